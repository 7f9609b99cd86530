using BackendPortal.Data;

namespace BackendPortal.Features.People;

/// <summary>An entry of the admin-managed skill catalog (java, postgresql, load-testing, ...).</summary>
public class Skill : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string Category { get; set; } = "";
    public string? Description { get; set; }
}

/// <summary>A person's own rating of one skill (0–4), with a team lead's endorsement beside it.</summary>
public class PersonSkill
{
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int SkillId { get; set; }
    public Skill Skill { get; set; } = null!;
    public int Proficiency { get; set; }
    public DateTime RatedAt { get; set; }
    public string RatedBy { get; set; } = "";

    /// <summary>The endorsing lead's name as it was; no foreign key, so deleting that person keeps the record.</summary>
    public string? EndorsedBy { get; set; }
    public DateTime? EndorsedAt { get; set; }
}

/// <summary>One role level (junior ... staff) and the skills it expects.</summary>
public class RoleLevel : AuditedEntity
{
    public CareerLevel Level { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public List<LevelExpectation> Expectations { get; set; } = [];
}

public class LevelExpectation
{
    public int RoleLevelId { get; set; }
    public RoleLevel RoleLevel { get; set; } = null!;
    public int SkillId { get; set; }
    public Skill Skill { get; set; } = null!;
    public int MinimumProficiency { get; set; }
}
