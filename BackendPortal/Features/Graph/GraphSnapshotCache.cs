using BackendPortal.Data;
using BackendPortal.Features.Services;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Graph;

/// <summary>
/// Holds the last graph read from the database. Each use reads the catalog stamp (one tiny query)
/// and reloads only when it changed, so every instance behind a load balancer sees every write.
/// </summary>
public sealed class GraphSnapshotCache(IDbContextFactory<AppDbContext> dbFactory)
{
    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile GraphSnapshot? current;

    public async Task<GraphSnapshot> GetAsync(CancellationToken ct = default)
    {
        var stamp = await ReadStampAsync(ct);
        if (current is { } cached && cached.Stamp == stamp)
        {
            return cached;
        }
        await loading.WaitAsync(ct);
        try
        {
            if (current is { } again && again.Stamp == stamp)
            {
                return again;
            }
            var loaded = await LoadAsync(stamp, ct);
            current = loaded;
            return loaded;
        }
        finally
        {
            loading.Release();
        }
    }

    private async Task<Guid> ReadStampAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CatalogStamps.AsNoTracking().Where(s => s.Id == CatalogStamp.SingletonId).Select(s => s.Version).FirstOrDefaultAsync(ct);
    }

    /// <summary>One query per table, ids and names only.</summary>
    private async Task<GraphSnapshot> LoadAsync(Guid stamp, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var nodes = new List<GraphNode>();
        var services = new Dictionary<int, int>();
        var databases = new Dictionary<int, int>();
        var apis = new Dictionary<int, int>();
        foreach (var s in await db.Services.AsNoTracking()
            .Select(s => new { s.Id, s.Slug, s.Name, s.Tier, s.OwnerTeamId, s.SystemId }).ToListAsync(ct))
        {
            services[s.Id] = nodes.Count;
            nodes.Add(new GraphNode(NodeKind.Service, s.Id, s.Slug, s.Name, s.Tier, s.OwnerTeamId, s.SystemId));
        }
        foreach (var d in await db.Databases.AsNoTracking()
            .Select(d => new { d.Id, d.Slug, d.Name, d.OwnerTeamId, d.SystemId }).ToListAsync(ct))
        {
            databases[d.Id] = nodes.Count;
            nodes.Add(new GraphNode(NodeKind.Database, d.Id, d.Slug, d.Name, null, d.OwnerTeamId, d.SystemId));
        }
        foreach (var a in await db.Apis.AsNoTracking()
            .Select(a => new { a.Id, a.Slug, a.Name, a.OwnerTeamId, a.SystemId }).ToListAsync(ct))
        {
            apis[a.Id] = nodes.Count;
            nodes.Add(new GraphNode(NodeKind.Api, a.Id, a.Slug, a.Name, null, a.OwnerTeamId, a.SystemId));
        }

        var edges = new List<(int, int)>();
        foreach (var d in await db.ServiceDependencies.AsNoTracking().Select(d => new { d.ServiceId, d.DependsOnId }).ToListAsync(ct))
        {
            if (services.TryGetValue(d.ServiceId, out var from) && services.TryGetValue(d.DependsOnId, out var to))
            {
                edges.Add((from, to));
            }
        }
        foreach (var d in await db.ServiceDatabases.AsNoTracking().Select(d => new { d.ServiceId, d.DatabaseId }).ToListAsync(ct))
        {
            if (services.TryGetValue(d.ServiceId, out var from) && databases.TryGetValue(d.DatabaseId, out var to))
            {
                edges.Add((from, to));
            }
        }
        foreach (var l in await db.ServiceApis.AsNoTracking().Select(l => new { l.ServiceId, l.ApiId, l.Role }).ToListAsync(ct))
        {
            if (services.TryGetValue(l.ServiceId, out var service) && apis.TryGetValue(l.ApiId, out var api))
            {
                // The API fails when its provider does; a consumer fails when the API does.
                edges.Add(l.Role == ApiRole.Provides ? (api, service) : (service, api));
            }
        }
        var teams = (await db.Teams.AsNoTracking().Select(t => new { t.Id, t.Slug, t.Name }).ToListAsync(ct))
            .ToDictionary(t => t.Id, t => (t.Slug, t.Name));
        var systems = (await db.Systems.AsNoTracking().Select(t => new { t.Id, t.Slug, t.Name }).ToListAsync(ct))
            .ToDictionary(t => t.Id, t => (t.Slug, t.Name));
        return new GraphSnapshot(stamp, nodes, edges, teams, systems);
    }
}
