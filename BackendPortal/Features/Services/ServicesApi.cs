using BackendPortal.Data;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Features.Services;

public static class ServicesApi
{
    public static IEndpointRouteBuilder MapServicesApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/services").WithTags("Services").RequireAuthorization(Policies.Read);

        group.MapGet("/", List)
            .WithSummary("List services")
            .WithDescription("Keyset-paged; filter by text (slug, name, description), owner team slug, lifecycle and language.");
        group.MapGet("/export.csv", ExportCsv).WithSummary("Export services matching the filter as CSV");
        group.MapGet("/{slug}", Get).WithSummary("Get a service").WithDescription("The ETag header is the version to send back in If-Match.");
        group.MapPost("/", Create).RequireAuthorization(Policies.WriteCatalog).WithSummary("Create a service");
        group.MapPut("/{slug}", Update).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Replace a service").WithDescription("Requires If-Match with the ETag of the version you read: 428 without it, 412 when someone changed it since.");
        group.MapDelete("/{slug}", Delete).RequireAuthorization(Policies.WriteCatalog).WithSummary("Delete a service");
        return api;
    }

    private static async Task<Ok<Page<ServiceDetails>>> List(
        ServiceCatalogService services, string? q, string? owner, string? lifecycle, string? language, int? limit, string? cursor, CancellationToken ct)
    {
        var page = PageRequest.Parse(limit, cursor);
        return TypedResults.Ok(await services.ListAsync(new ServiceFilter(q, owner, lifecycle, language), page, ct));
    }

    private static PushStreamHttpResult ExportCsv(ServiceCatalogService services, string? q, string? owner, string? lifecycle, string? language) =>
        ApiConventions.Csv("services.csv", (w, ct) => services.WriteCsvAsync(new ServiceFilter(q, owner, lifecycle, language), w, ct));

    private static async Task<Ok<ServiceDetails>> Get(ServiceCatalogService services, string slug, HttpResponse response, CancellationToken ct)
    {
        var service = await services.GetAsync(slug, ct);
        ApiConventions.SetETag(response, service.ETag);
        return TypedResults.Ok(service);
    }

    private static async Task<Created<ServiceDetails>> Create(
        ServiceCatalogService services, [FromBody] ServiceInput input, HttpContext http, CancellationToken ct)
    {
        var created = await services.CreateAsync(Actor.From(http.User), input, ct);
        ApiConventions.SetETag(http.Response, created.ETag);
        return TypedResults.Created($"/api/v1/services/{created.Slug}", created);
    }

    private static async Task<Ok<ServiceDetails>> Update(
        ServiceCatalogService services, string slug, [FromBody] ServiceInput input, HttpContext http, CancellationToken ct)
    {
        var expected = ApiConventions.RequireIfMatch(http.Request);
        var updated = await services.UpdateAsync(Actor.From(http.User), slug, input, expected, ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> Delete(ServiceCatalogService services, string slug, HttpContext http, CancellationToken ct)
    {
        await services.DeleteAsync(Actor.From(http.User), slug, ApiConventions.OptionalIfMatch(http.Request), ct);
        return TypedResults.NoContent();
    }
}
