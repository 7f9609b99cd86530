using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Infrastructure;

/// <summary>Systems, databases and APIs for tests, made through the same services the app uses (APIs directly in the table).</summary>
public static class CatalogData
{
    public static SystemInput NewSystemInput(string owner, string? slug = null) => new()
    {
        Slug = slug ?? PortalFactory.Unique("sys"),
        Name = "System " + (slug ?? "x"),
        Owner = owner,
    };

    public static Task<SystemDetails> CreateSystemAsync(this PortalFactory factory, string owner, string? slug = null) =>
        factory.WithServiceAsync<SystemCatalogService, SystemDetails>(s => s.CreateAsync(Actor.System, NewSystemInput(owner, slug)));

    public static DatabaseInput NewDatabaseInput(string owner, string? slug = null) => new()
    {
        Slug = slug ?? PortalFactory.Unique("db"),
        Name = "Database " + (slug ?? "x"),
        Owner = owner,
        Engine = "postgresql",
        Environment = "production",
    };

    public static Task<DatabaseDetails> CreateDatabaseAsync(this PortalFactory factory, string owner, string? slug = null, Action<DatabaseInput>? configure = null)
    {
        var input = NewDatabaseInput(owner, slug);
        configure?.Invoke(input);
        return factory.WithServiceAsync<DatabaseCatalogService, DatabaseDetails>(s => s.CreateAsync(Actor.System, input));
    }

    public static Task<string> CreateApiAsync(this PortalFactory factory, string owner, string? slug = null) =>
        factory.WithDbAsync(async db =>
        {
            var key = Slug.Key(owner);
            var teamId = await db.Teams.Where(t => t.SlugKey == key).Select(t => t.Id).SingleAsync();
            var api = new CatalogApi
            {
                Slug = slug ?? PortalFactory.Unique("api"),
                Name = "API " + (slug ?? "x"),
                Type = ApiType.OpenApi,
                Lifecycle = Lifecycle.Production,
                OwnerTeamId = teamId,
            };
            api.SlugKey = Slug.Key(api.Slug);
            api.Stamp("test", DateTime.UtcNow);
            db.Apis.Add(api);
            await db.SaveChangesAsync();
            return api.Slug;
        });
}
