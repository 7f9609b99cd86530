using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Quality;

public static class QualityApi
{
    public static IEndpointRouteBuilder MapQualityApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/quality/dashboard", Dashboard).WithTags("Quality").RequireAuthorization(Policies.Read)
            .WithSummary("The QA dashboard: per service the latest pass rate, failing and flaky tests and the last load-test verdict, worst first")
            .WithDescription("Pass rate and failing tests cover the latest run of each suite and leave out quarantined tests (counted in quarantinedFailing). " +
                "Keyset-paged: pass nextCursor back as cursor.");
        var group = api.MapGroup("/services/{slug}").WithTags("Quality").RequireAuthorization(Policies.Read);

        group.MapPost("/test-runs", PostTestRun)
            .RequireAuthorization(Policies.Ingest)
            .WithMetadata(new DisableRequestSizeLimitAttribute())
            .Accepts<string>("application/xml", "text/xml", "multipart/form-data")
            .Produces<TestRunCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Post a test run (JUnit XML or TRX)")
            .WithDescription("The body is one JUnit XML or TRX document (application/xml or text/xml; the root element tells which), " +
                "or multipart/form-data with several files that make one run. Counts come from the test cases. " +
                "Send an Idempotency-Key header to make retries safe: the same key and body replay the first response, " +
                "a different body is 422, a request still in progress is 409. Keys are kept for at least 24 hours.");
        group.MapGet("/test-runs", ListTestRuns).WithSummary("List test runs, newest first").WithDescription("Keyset-paged: pass nextCursor back as cursor.");
        group.MapGet("/test-runs/{id:long}", GetTestRun).WithSummary("Get a test run with its failures grouped by similar message");
        group.MapGet("/flaky-tests", ListFlaky).WithSummary("List flaky and quarantined tests of a service");
        group.MapPut("/flaky-tests/{id:int}/quarantine", Quarantine)
            .WithSummary("Quarantine a flaky test, or lift the quarantine")
            .WithDescription("QA, admins and engineers of the owning team. Body: { \"quarantined\": true, \"note\": \"why\" }. If-Match with the flaky test's etag is honoured when sent.");
        group.MapPost("/load-tests", PostLoadTest)
            .RequireAuthorization(Policies.Ingest)
            .WithMetadata(new DisableRequestSizeLimitAttribute())
            .Accepts<JsonElement>("application/json")
            .Produces<LoadTestCreated>(StatusCodes.Status201Created)
            .WithSummary("Post a k6 end-of-test summary")
            .WithDescription("The JSON from k6 --summary-export or the data handleSummary receives. The verdict fails when the budget is exceeded, a k6 threshold failed, or p95 regressed beyond Quality:RegressionPercent against the previous run.");
        group.MapGet("/load-tests", ListLoadTests).WithSummary("List load-test results, newest first");
        group.MapGet("/load-test-budget", GetBudget).WithSummary("Get the service's load-test budget");
        group.MapPut("/load-test-budget", PutBudget).RequireAuthorization(Policies.Ingest)
            .WithSummary("Set the service's load-test budget").WithDescription("{ \"p95Ms\", \"maxErrorRate\", \"minRps\" }, all optional; an omitted one is not checked.");
        return api;
    }

    private static bool IsXml(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase));

    private static string? MediaType(HttpRequest request) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var media) ? media.MediaType.Value : null;

    private static void AllowLargeBody(HttpContext http, long max)
    {
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = max + 1024 * 1024;
        }
    }

    private static async Task<IResult> PostTestRun(
        string slug, string? suite, string? commit, string? branch, string? buildUrl,
        HttpContext http, TestRunIngestService ingest, IOptions<QualityOptions> options, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        var max = options.Value.MaxUploadBytes;
        AllowLargeBody(http, max);
        var mediaType = MediaType(http.Request);
        var multipart = string.Equals(mediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (!multipart && !IsXml(mediaType))
        {
            throw new UnsupportedMediaTypeException(
                $"Send the report as application/xml or text/xml (JUnit XML or TRX), or as multipart/form-data with one or more files; got '{http.Request.ContentType ?? "no Content-Type"}'.");
        }
        var key = IdempotencyKeys.ReadKey(http.Request);
        try
        {
            await using var upload = await UploadSpool.ReadAsync(http.Request, max, n => n is not null && TestRunIngestService.FormFieldNames.Contains(n), ct);
            var input = new TestRunInput(
                suite ?? upload.FormFields.GetValueOrDefault("suite"),
                commit ?? upload.FormFields.GetValueOrDefault("commit"),
                branch ?? upload.FormFields.GetValueOrDefault("branch"),
                buildUrl ?? upload.FormFields.GetValueOrDefault("buildUrl"));
            var result = await ingest.IngestAsync(actor, slug, input, upload, key, ct);
            if (result.Replayed)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
            }
            if (result.Location is not null)
            {
                http.Response.Headers.Location = result.Location;
            }
            return Results.Text(result.Json, "application/json", System.Text.Encoding.UTF8, result.StatusCode);
        }
        catch (ReportRejectedException ex)
        {
            return Rejected(ex);
        }
    }

    private static ProblemHttpResult Rejected(ReportRejectedException ex)
    {
        var extensions = new Dictionary<string, object?>();
        if (ex.Line is { } line)
        {
            extensions["line"] = line;
            extensions["position"] = ex.Position;
        }
        if (ex.File is { } file)
        {
            extensions["file"] = file;
        }
        return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: ex.Title, extensions: extensions);
    }

    private static async Task<Ok<Page<DashboardRow>>> Dashboard(QualityService quality, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await quality.DashboardPageAsync(PageRequest.Parse(limit, cursor), ct));

    private static async Task<Ok<Page<TestRunSummary>>> ListTestRuns(QualityService quality, string slug, string? suite, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await quality.ListRunsAsync(slug, PageRequest.Parse(limit, cursor), suite, ct));

    private static async Task<Ok<TestRunDetails>> GetTestRun(QualityService quality, string slug, long id, CancellationToken ct) =>
        TypedResults.Ok(await quality.GetRunAsync(slug, id, ct));

    private static async Task<Ok<IReadOnlyList<FlakyTestDetails>>> ListFlaky(FlakyTestService flaky, string slug, bool? includeResolved, CancellationToken ct) =>
        TypedResults.Ok(await flaky.ListAsync(slug, includeResolved ?? false, ct));

    private static async Task<Ok<FlakyTestDetails>> Quarantine(
        FlakyTestService flaky, string slug, int id, [FromBody] QuarantineInput input, HttpContext http, CancellationToken ct)
    {
        var updated = await flaky.SetQuarantineAsync(Actor.From(http.User), slug, id, input, ApiConventions.OptionalIfMatch(http.Request), ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<IResult> PostLoadTest(
        string slug, string? name, string? commit, HttpContext http, LoadTestService loadTests, IOptions<QualityOptions> options, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        QualityAccess.RequireIngester(actor);
        var max = options.Value.MaxUploadBytes;
        AllowLargeBody(http, max);
        var mediaType = MediaType(http.Request);
        if (mediaType is null || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new UnsupportedMediaTypeException($"Send the k6 summary as application/json; got '{http.Request.ContentType ?? "no Content-Type"}'.");
        }
        try
        {
            await using var upload = await UploadSpool.ReadAsync(http.Request, max, _ => false, ct);
            JsonDocument document;
            try
            {
                await using var stream = upload.Files[0].Open();
                document = await JsonDocument.ParseAsync(stream, new JsonDocumentOptions { MaxDepth = 64 }, ct);
            }
            catch (JsonException ex)
            {
                throw new ReportRejectedException("Malformed JSON: " + ex.Message.Split(" Path:")[0],
                    ex.LineNumber is { } l ? (int)l + 1 : null, ex.BytePositionInLine is { } p ? (int)p + 1 : null);
            }
            using (document)
            {
                var created = await loadTests.IngestAsync(actor, slug, document.RootElement, name, commit, ct);
                return TypedResults.Created($"/api/v1/services/{slug}/load-tests/{created.Id}", created);
            }
        }
        catch (ReportRejectedException ex)
        {
            return Rejected(ex);
        }
    }

    private static async Task<Ok<Page<LoadTestSummary>>> ListLoadTests(LoadTestService loadTests, string slug, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await loadTests.ListAsync(slug, PageRequest.Parse(limit, cursor), ct));

    private static async Task<IResult> GetBudget(LoadTestService loadTests, string slug, CancellationToken ct) =>
        await loadTests.GetBudgetAsync(slug, ct) is { } budget
            ? TypedResults.Ok(budget)
            : TypedResults.Problem($"Service '{slug}' has no load-test budget yet; PUT one to set it.", statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    private static async Task<Ok<LoadTestBudgetDetails>> PutBudget(LoadTestService loadTests, string slug, [FromBody] LoadTestBudgetInput input, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await loadTests.SetBudgetAsync(Actor.From(http.User), slug, input, ct));
}
