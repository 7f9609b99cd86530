using System.Text;
using BackendPortal.Data;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Features.Apis;

public static class ApisApi
{
    public static IEndpointRouteBuilder MapApisEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/apis").WithTags("APIs").RequireAuthorization(Policies.Read);

        group.MapGet("/", List).WithSummary("List APIs")
            .WithDescription("Keyset-paged; filter by text, owner team, type, lifecycle, system, and scoreBelow (latest version's documentation score under N).");
        group.MapGet("/export.csv", ExportCsv).WithSummary("Export APIs matching the filter as CSV");
        group.MapGet("/{slug}", Get).WithSummary("Get an API").WithDescription("The ETag header is the version to send back in If-Match.");
        group.MapPost("/", Create).RequireAuthorization(Policies.WriteCatalog).WithSummary("Create an API");
        group.MapPut("/{slug}", Update).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Replace an API").WithDescription("Requires If-Match with the ETag of the version you read: 428 without it, 412 when someone changed it since.");
        group.MapDelete("/{slug}", Delete).RequireAuthorization(Policies.WriteCatalog).WithSummary("Delete an API with its spec versions");

        group.MapPost("/{slug}/versions", UploadVersion).RequireAuthorization(Policies.WriteCatalog)
            .WithMetadata(new RequestSizeLimitAttribute(256L * 1024 * 1024))
            .Accepts<string>("application/json", "application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml", "text/plain", "application/octet-stream")
            .WithSummary("Upload an OpenAPI document as a new version")
            .WithDescription("Body: OpenAPI 3.0/3.1 or Swagger 2.0, JSON or YAML. ?version= sets the label (default info.version; a used label is 409). ?dryRun=true answers the same without storing. 413 over Apis:MaxSpecBytes.");
        group.MapDelete("/{slug}/versions/{version}", DeleteVersion).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Delete one spec version (the next version is compared again with the one before)");
        group.MapGet("/{slug}/versions", Versions).WithSummary("List spec versions, newest first");
        group.MapGet("/{slug}/versions/{version}/score", Score).WithSummary("Documentation score of a version with its findings");
        group.MapGet("/{slug}/versions/{version}/document", Document).WithSummary("The document as uploaded");
        group.MapGet("/{slug}/diff", Diff).WithSummary("Changes between two versions")
            .WithDescription("?from=&to= version labels; each change has level breaking, warning or info, and breaking ones name the consumers they hit.");
        group.MapGet("/{slug}/consumers", Consumers).WithSummary("Services that consume the API, with the operations they declared");

        var services = api.MapGroup("/services").WithTags("APIs").RequireAuthorization(Policies.Read);
        services.MapGet("/{slug}/api-usage", GetUsage).WithSummary("APIs and operations a service declares it uses");
        services.MapPut("/{slug}/api-usage", SetUsage).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Replace the APIs and operations a service declares it uses")
            .WithDescription("Body: [{ \"api\": \"orders-api\", \"operations\": [\"GET /orders/{id}\", \"createOrder\"] }]; an operation is \"METHOD path\" or an operationId. Empty operations means the whole API.");
        return api;
    }

    private static async Task<Ok<Page<ApiDetails>>> List(
        ApiCatalogService apis, string? q, string? owner, string? type, string? lifecycle, string? system, int? scoreBelow, int? limit, string? cursor, CancellationToken ct)
    {
        var page = PageRequest.Parse(limit, cursor);
        return TypedResults.Ok(await apis.ListAsync(new ApiFilter(q, owner, type, lifecycle, system, scoreBelow), page, ct));
    }

    private static PushStreamHttpResult ExportCsv(ApiCatalogService apis, string? q, string? owner, string? type, string? lifecycle, string? system, int? scoreBelow) =>
        ApiConventions.Csv("apis.csv", (w, ct) => apis.WriteCsvAsync(new ApiFilter(q, owner, type, lifecycle, system, scoreBelow), w, ct));

    private static async Task<Ok<ApiDetails>> Get(ApiCatalogService apis, string slug, HttpResponse response, CancellationToken ct)
    {
        var api = await apis.GetAsync(slug, ct);
        ApiConventions.SetETag(response, api.ETag);
        return TypedResults.Ok(api);
    }

    private static async Task<Created<ApiDetails>> Create(ApiCatalogService apis, [FromBody] ApiInput input, HttpContext http, CancellationToken ct)
    {
        var created = await apis.CreateAsync(Actor.From(http.User), input, ct);
        ApiConventions.SetETag(http.Response, created.ETag);
        return TypedResults.Created($"/api/v1/apis/{created.Slug}", created);
    }

    private static async Task<Ok<ApiDetails>> Update(ApiCatalogService apis, string slug, [FromBody] ApiInput input, HttpContext http, CancellationToken ct)
    {
        var expected = ApiConventions.RequireIfMatch(http.Request);
        var updated = await apis.UpdateAsync(Actor.From(http.User), slug, input, expected, ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> Delete(ApiCatalogService apis, string slug, HttpContext http, CancellationToken ct)
    {
        await apis.DeleteAsync(Actor.From(http.User), slug, ApiConventions.OptionalIfMatch(http.Request), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created<ApiIngestResult>, Ok<ApiIngestResult>, ProblemHttpResult>> UploadVersion(
        ApiSpecService specs, string slug, string? version, bool? dryRun, HttpContext http, CancellationToken ct)
    {
        var stages = ApiIngestMetrics.Start();
        var limit = specs.MaxSpecBytes;
        // Read once into a pooled buffer (a known Content-Length sizes it); one byte over the limit is 413 before anything is parsed.
        using var body = await SpecBytes.ReadAsync(http.Request.Body, http.Request.ContentLength, limit, () => new SpecTooLargeException(limit), ct);
        stages.Mark("read-body");
        try
        {
            var result = await specs.IngestAsync(Actor.From(http.User), slug, body, version, dryRun == true, stages, ct);
            return result.DryRun
                ? TypedResults.Ok(result)
                : TypedResults.Created($"/api/v1/apis/{slug}/versions/{Uri.EscapeDataString(result.Version)}/score", result);
        }
        catch (SpecUnreadableException e)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The body is not an OpenAPI or Swagger document.",
                detail: string.Join(" ", e.Problems.Select(p => p.Message)),
                extensions: new Dictionary<string, object?>
                {
                    ["errors"] = e.Problems.Select(p => new { location = p.Pointer, message = p.Message }).ToList(),
                });
        }
    }

    private static async Task<Ok<IReadOnlyList<ApiVersionSummary>>> Versions(ApiSpecService specs, string slug, CancellationToken ct) =>
        TypedResults.Ok(await specs.VersionsAsync(slug, ct));

    private static async Task<Ok<ApiScoreReport>> Score(ApiSpecService specs, string slug, string version, CancellationToken ct) =>
        TypedResults.Ok(await specs.ScoreAsync(slug, version, ct));

    private static async Task<ContentHttpResult> Document(ApiSpecService specs, string slug, string version, CancellationToken ct)
    {
        var text = await specs.DocumentAsync(slug, version, ct);
        var json = text.AsSpan().TrimStart() is ['{', ..];
        return TypedResults.Text(text, json ? "application/json" : "application/yaml", Encoding.UTF8);
    }

    private static async Task<Ok<ApiDiffReport>> Diff(ApiSpecService specs, string slug, string? from, string? to, CancellationToken ct) =>
        TypedResults.Ok(await specs.DiffAsync(slug, from, to, ct));

    private static async Task<Ok<IReadOnlyList<ApiConsumer>>> Consumers(ApiSpecService specs, string slug, CancellationToken ct) =>
        TypedResults.Ok(await specs.ConsumersAsync(slug, ct));

    private static async Task<Ok<IReadOnlyList<ApiUsageDetails>>> GetUsage(ApiSpecService specs, string slug, CancellationToken ct) =>
        TypedResults.Ok(await specs.UsageAsync(slug, ct));

    private static async Task<Ok<IReadOnlyList<ApiUsageDetails>>> SetUsage(
        ApiSpecService specs, string slug, [FromBody] List<ApiUsageInput>? input, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await specs.SetUsageAsync(Actor.From(http.User), slug, input, ct));

    private static async Task<NoContent> DeleteVersion(ApiSpecService specs, string slug, string version, HttpContext http, CancellationToken ct)
    {
        await specs.DeleteVersionAsync(Actor.From(http.User), slug, version, ct);
        return TypedResults.NoContent();
    }
}
