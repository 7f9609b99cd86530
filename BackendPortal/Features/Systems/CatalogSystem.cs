using BackendPortal.Data;
using BackendPortal.Features.Teams;

namespace BackendPortal.Features.Systems;

/// <summary>A Backstage System: a group of services, databases and APIs that together offer one capability.</summary>
public class CatalogSystem : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public int OwnerTeamId { get; set; }
    public Team OwnerTeam { get; set; } = null!;
    public string? Domain { get; set; }
    public List<string> Tags { get; set; } = [];
}

/// <summary>A Backstage Domain, kept so an imported catalog exports the same way.</summary>
public class CatalogDomain : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public int OwnerTeamId { get; set; }
    public Team OwnerTeam { get; set; } = null!;
    public List<string> Tags { get; set; } = [];
}

/// <summary>A Backstage Resource other than a database (buckets, queues, clusters), kept as imported.</summary>
public class CatalogResource : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Description { get; set; }
    public int OwnerTeamId { get; set; }
    public Team OwnerTeam { get; set; } = null!;
    public int? SystemId { get; set; }
    public CatalogSystem? System { get; set; }
    public List<string> Tags { get; set; } = [];
}
