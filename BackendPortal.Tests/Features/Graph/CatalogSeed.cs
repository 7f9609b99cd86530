using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Graph;

/// <summary>Writes catalog entities and relations straight through a context, as any writer would.</summary>
public sealed class CatalogSeed(PortalFactory factory)
{
    public string Prefix { get; } = PortalFactory.Unique("g");

    public string S(string name) => $"{Prefix}-{name}";

    public async Task<int> TeamIdAsync(string teamSlug) =>
        await factory.WithDbAsync(db => db.Teams.Where(t => t.SlugKey == Slug.Key(teamSlug)).Select(t => t.Id).SingleAsync());

    public Task<int> ServiceAsync(int teamId, string name, int tier = 3, int? systemId = null, string? description = null, params string[] tags) =>
        AddAsync(new Service
        {
            Slug = S(name),
            SlugKey = Slug.Key(S(name)),
            Name = $"{Prefix} {name}",
            Tier = tier,
            OwnerTeamId = teamId,
            SystemId = systemId,
            Description = description,
            Tags = [.. tags],
            Version = Guid.NewGuid(),
        });

    public Task<int> DatabaseAsync(int teamId, string name, int? systemId = null) =>
        AddAsync(new CatalogDatabase { Slug = S(name), SlugKey = Slug.Key(S(name)), Name = $"{Prefix} {name}", OwnerTeamId = teamId, SystemId = systemId, Version = Guid.NewGuid() });

    public Task<int> ApiAsync(int teamId, string name) =>
        AddAsync(new CatalogApi { Slug = S(name), SlugKey = Slug.Key(S(name)), Name = $"{Prefix} {name}", OwnerTeamId = teamId, Version = Guid.NewGuid() });

    public Task<int> SystemAsync(int teamId, string name) =>
        AddAsync(new CatalogSystem { Slug = S(name), SlugKey = Slug.Key(S(name)), Name = $"{Prefix} {name}", OwnerTeamId = teamId, Version = Guid.NewGuid() });

    /// <summary><paramref name="service"/> calls <paramref name="dependsOn"/>.</summary>
    public Task DependsAsync(int service, int dependsOn) =>
        factory.WithDbAsync(db =>
        {
            db.ServiceDependencies.Add(new ServiceDependency { ServiceId = service, DependsOnId = dependsOn });
            return db.SaveChangesAsync();
        });

    public Task UsesDatabaseAsync(int service, int database) =>
        factory.WithDbAsync(db =>
        {
            db.ServiceDatabases.Add(new ServiceDatabase { ServiceId = service, DatabaseId = database });
            return db.SaveChangesAsync();
        });

    public Task LinkApiAsync(int service, int api, ApiRole role) =>
        factory.WithDbAsync(db =>
        {
            db.ServiceApis.Add(new ServiceApiLink { ServiceId = service, ApiId = api, Role = role });
            return db.SaveChangesAsync();
        });

    private Task<int> AddAsync<T>(T entity)
        where T : AuditedEntity =>
        factory.WithDbAsync(async db =>
        {
            entity.Stamp("test", DateTime.UtcNow);
            db.Add(entity);
            await db.SaveChangesAsync();
            return entity.Id;
        });
}
