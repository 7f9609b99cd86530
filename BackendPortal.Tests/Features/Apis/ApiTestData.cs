using BackendPortal.Features.Services;
using BackendPortal.Infrastructure;
using BackendPortal.Security;

namespace BackendPortal.Features.Apis;

internal static class ApiTestData
{
    public static ApiInput NewInput(string owner, string? slug = null) => new()
    {
        Slug = slug ?? PortalFactory.Unique("api"),
        Name = "Orders API",
        Type = "openapi",
        Lifecycle = "production",
        Owner = owner,
        Description = "Orders for the web shop.",
    };

    public static Task<ApiDetails> CreateApiAsync(this PortalFactory factory, string owner, string? slug = null) =>
        factory.WithServiceAsync<ApiCatalogService, ApiDetails>(s => s.CreateAsync(Actor.System, NewInput(owner, slug)));

    public static Task<ApiIngestResult> UploadAsync(this PortalFactory factory, string api, string spec, string? version = null) =>
        factory.WithServiceAsync<ApiSpecService, ApiIngestResult>(s => s.IngestAsync(Actor.System, api, spec, version, dryRun: false));

    /// <summary>Makes the service a consumer of the API, declaring the operations it calls (none: the whole API).</summary>
    public static Task<IReadOnlyList<ApiUsageDetails>> ConsumeAsync(this PortalFactory factory, string service, string api, params string[] operations) =>
        factory.WithServiceAsync<ApiSpecService, IReadOnlyList<ApiUsageDetails>>(s => s.SetUsageAsync(Actor.System, service, [new ApiUsageInput(api, [.. operations])]));

    /// <summary>A team, an API it owns with one uploaded version, for the authorization matrix.</summary>
    public static async Task<string> SeedApiAsync(this PortalFactory factory, string team)
    {
        var api = await factory.CreateApiAsync(team);
        await factory.UploadAsync(api.Slug, SpecFixtures.Perfect, "1.0.0");
        return api.Slug;
    }
}
