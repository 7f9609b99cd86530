using BackendPortal.Data;
using BackendPortal.Features.Systems;
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

    /// <summary>Backstage's Component spec.type: service, website or library.</summary>
    public string Type { get; set; } = "service";
    public int? SystemId { get; set; }
    public CatalogSystem? System { get; set; }
    public List<ServiceDependency> DependsOn { get; set; } = [];
    public List<ServiceDatabase> Databases { get; set; } = [];
    public List<ServiceApiLink> Apis { get; set; } = [];
    public List<ServiceResource> Resources { get; set; } = [];
}

public enum Lifecycle
{
    Experimental,
    Production,
    Deprecated,
}
