using BackendPortal.Data;
using BackendPortal.Features.Teams;

namespace BackendPortal.Features.Services;

public class Service : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public int OwnerTeamId { get; set; }
    public Team OwnerTeam { get; set; } = null!;
    public Lifecycle Lifecycle { get; set; }
    public int Tier { get; set; } = 3;
    public List<string> Languages { get; set; } = [];
    public string? Framework { get; set; }
    public string? RepositoryUrl { get; set; }
    public string? RunbookUrl { get; set; }
    public List<string> Tags { get; set; } = [];
}

public enum Lifecycle
{
    Experimental,
    Production,
    Deprecated,
}
