using BackendPortal.Data;
using BackendPortal.Features.Teams;

namespace BackendPortal.Features.People;

public class Person : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public string? UserId { get; set; }
    public ApplicationUser? User { get; set; }
    public List<TeamMember> Memberships { get; set; } = [];

    /// <summary>Job title as people write it ("Backend engineer"); free text, unlike <see cref="Level"/>.</summary>
    public string? Title { get; set; }

    /// <summary>Null for people nobody has levelled yet (accounts created before a lead set it).</summary>
    public CareerLevel? Level { get; set; }
    public List<PersonSkill> Skills { get; set; } = [];
}

/// <summary>The four role levels, in rising order (the enum value is the rank).</summary>
public enum CareerLevel
{
    Junior = 0,
    Intermediate = 1,
    Senior = 2,
    Staff = 3,
}
