using BackendPortal.Data;
using BackendPortal.Features.People;

namespace BackendPortal.Features.Teams;

public class Team : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public List<TeamMember> Members { get; set; } = [];

    /// <summary>Backstage's Group spec.type (team, business-unit, ...).</summary>
    public string Type { get; set; } = "team";
    public int? ParentTeamId { get; set; }
    public Team? ParentTeam { get; set; }
}

public enum TeamRole
{
    Member = 0,
    Lead = 1,
}

public class TeamMember
{
    public int TeamId { get; set; }
    public Team Team { get; set; } = null!;
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public TeamRole Role { get; set; }
}
