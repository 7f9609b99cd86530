using BackendPortal.Data;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Features.Systems;

public static class SystemsApi
{
    public static IEndpointRouteBuilder MapSystemsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/systems").WithTags("Systems").RequireAuthorization(Policies.Read);

        group.MapGet("/", List)
            .WithSummary("List systems")
            .WithDescription("Keyset-paged; filter by text (slug, name, domain, description) and owner team slug.");
        group.MapGet("/export.csv", ExportCsv).WithSummary("Export systems matching the filter as CSV");
        group.MapGet("/{slug}", Get).WithSummary("Get a system").WithDescription("The ETag header is the version to send back in If-Match.");
        group.MapGet("/{slug}/members", Members).WithSummary("The services, databases and APIs of a system");
        group.MapPost("/", Create).RequireAuthorization(Policies.WriteCatalog).WithSummary("Create a system");
        group.MapPut("/{slug}", Update).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Replace a system").WithDescription("Requires If-Match with the ETag of the version you read: 428 without it, 412 when someone changed it since.");
        group.MapDelete("/{slug}", Delete).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Delete a system").WithDescription("Its services, databases and APIs stay and belong to no system afterwards.");
        return api;
    }

    private static async Task<Ok<Page<SystemDetails>>> List(
        SystemCatalogService systems, string? q, string? owner, int? limit, string? cursor, CancellationToken ct)
    {
        var page = PageRequest.Parse(limit, cursor);
        return TypedResults.Ok(await systems.ListAsync(new SystemFilter(q, owner), page, ct));
    }

    private static PushStreamHttpResult ExportCsv(SystemCatalogService systems, string? q, string? owner) =>
        ApiConventions.Csv("systems.csv", (w, ct) => systems.WriteCsvAsync(new SystemFilter(q, owner), w, ct));

    private static async Task<Ok<SystemDetails>> Get(SystemCatalogService systems, string slug, HttpResponse response, CancellationToken ct)
    {
        var system = await systems.GetAsync(slug, ct);
        ApiConventions.SetETag(response, system.ETag);
        return TypedResults.Ok(system);
    }

    private static async Task<Ok<IReadOnlyList<SystemMember>>> Members(SystemCatalogService systems, string slug, CancellationToken ct) =>
        TypedResults.Ok(await systems.MembersAsync(slug, ct));

    private static async Task<Created<SystemDetails>> Create(
        SystemCatalogService systems, [FromBody] SystemInput input, HttpContext http, CancellationToken ct)
    {
        var created = await systems.CreateAsync(Actor.From(http.User), input, ct);
        ApiConventions.SetETag(http.Response, created.ETag);
        return TypedResults.Created($"/api/v1/systems/{created.Slug}", created);
    }

    private static async Task<Ok<SystemDetails>> Update(
        SystemCatalogService systems, string slug, [FromBody] SystemInput input, HttpContext http, CancellationToken ct)
    {
        var expected = ApiConventions.RequireIfMatch(http.Request);
        var updated = await systems.UpdateAsync(Actor.From(http.User), slug, input, expected, ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> Delete(SystemCatalogService systems, string slug, HttpContext http, CancellationToken ct)
    {
        await systems.DeleteAsync(Actor.From(http.User), slug, ApiConventions.OptionalIfMatch(http.Request), ct);
        return TypedResults.NoContent();
    }
}
