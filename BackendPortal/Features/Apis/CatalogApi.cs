using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Teams;

namespace BackendPortal.Features.Apis;

/// <summary>An API as a catalog entity; its versioned specs belong to the APIs module.</summary>
public class CatalogApi : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public ApiType Type { get; set; }
    public Lifecycle Lifecycle { get; set; }
    public int OwnerTeamId { get; set; }
    public Team OwnerTeam { get; set; } = null!;
    public int? SystemId { get; set; }
    public CatalogSystem? System { get; set; }

    /// <summary>The definition text as Backstage carried it (spec.definition), kept verbatim.</summary>
    public string? Definition { get; set; }
    public List<string> Tags { get; set; } = [];
}

public enum ApiType
{
    OpenApi,
    AsyncApi,
    GraphQl,
    Grpc,
}
