using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Features.Databases;

public static class DatabasesApi
{
    public static IEndpointRouteBuilder MapDatabasesApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/databases").WithTags("Databases").RequireAuthorization(Policies.Read);

        group.MapGet("/", List)
            .WithSummary("List databases")
            .WithDescription("Keyset-paged; filter by text (slug, name, host, description), owner team slug, engine, environment and system slug.");
        group.MapGet("/export.csv", ExportCsv).WithSummary("Export databases matching the filter as CSV");
        group.MapGet("/{slug}", Get).WithSummary("Get a database").WithDescription("The ETag header is the version to send back in If-Match.");
        group.MapPost("/", Create).RequireAuthorization(Policies.WriteCatalog).WithSummary("Create a database")
            .WithDescription("host is a host or cluster name; a connection string carrying a password is refused with 400.");
        group.MapPut("/{slug}", Update).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Replace a database").WithDescription("Requires If-Match with the ETag of the version you read: 428 without it, 412 when someone changed it since.");
        group.MapDelete("/{slug}", Delete).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Delete a database").WithDescription("Removes its migration ledger, size samples, slow-query reports and backups; services stop using it.");

        group.MapGet("/{slug}/migrations", Ledger).WithSummary("The migration ledger: applied migrations per environment and what each environment lacks");
        group.MapPost("/{slug}/migrations", RecordMigration).RequireAuthorization(DatabasesRegistration.IngestPolicy)
            .WithSummary("Record an applied migration")
            .WithDescription("Idempotent on (environment, id): a new migration answers 201, a replay 200 with the stored row.");
        group.MapGet("/{slug}/size", SizeHistory).WithSummary("Size samples and the projected date the capacity is reached");
        group.MapPost("/{slug}/size", RecordSize).RequireAuthorization(DatabasesRegistration.IngestPolicy).WithSummary("Record the database's size");
        group.MapGet("/{slug}/slow-queries", SlowQueries).WithSummary("Top slow statements by total time (calls × mean) with their trend");
        group.MapPost("/{slug}/slow-queries", RecordSlowQueries).RequireAuthorization(DatabasesRegistration.IngestPolicy)
            .WithSummary("Post a slow-query report")
            .WithDescription("Body: a JSON array of { query, calls, meanMs, p95Ms, rows }, or { at, queries: [...] }. Literals are replaced by ? so executions of one statement group together.");
        group.MapGet("/{slug}/backups", Backups).WithSummary("Backup policy, recent backups and the overdue warning");
        group.MapPost("/{slug}/backups", RecordBackup).RequireAuthorization(DatabasesRegistration.IngestPolicy).WithSummary("Record a backup");
        return api;
    }

    private static async Task<Ok<Page<DatabaseDetails>>> List(
        DatabaseCatalogService databases, string? q, string? owner, string? engine, string? environment, string? system,
        int? limit, string? cursor, CancellationToken ct)
    {
        var page = PageRequest.Parse(limit, cursor);
        return TypedResults.Ok(await databases.ListAsync(new DatabaseFilter(q, owner, engine, environment, system), page, ct));
    }

    private static PushStreamHttpResult ExportCsv(
        DatabaseCatalogService databases, string? q, string? owner, string? engine, string? environment, string? system) =>
        ApiConventions.Csv("databases.csv", (w, ct) => databases.WriteCsvAsync(new DatabaseFilter(q, owner, engine, environment, system), w, ct));

    private static async Task<Ok<DatabaseDetails>> Get(DatabaseCatalogService databases, string slug, HttpResponse response, CancellationToken ct)
    {
        var database = await databases.GetAsync(slug, ct);
        ApiConventions.SetETag(response, database.ETag);
        return TypedResults.Ok(database);
    }

    private static async Task<Created<DatabaseDetails>> Create(
        DatabaseCatalogService databases, [FromBody] DatabaseInput input, HttpContext http, CancellationToken ct)
    {
        var created = await databases.CreateAsync(Actor.From(http.User), input, ct);
        ApiConventions.SetETag(http.Response, created.ETag);
        return TypedResults.Created($"/api/v1/databases/{created.Slug}", created);
    }

    private static async Task<Ok<DatabaseDetails>> Update(
        DatabaseCatalogService databases, string slug, [FromBody] DatabaseInput input, HttpContext http, CancellationToken ct)
    {
        var expected = ApiConventions.RequireIfMatch(http.Request);
        var updated = await databases.UpdateAsync(Actor.From(http.User), slug, input, expected, ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> Delete(DatabaseCatalogService databases, string slug, HttpContext http, CancellationToken ct)
    {
        await databases.DeleteAsync(Actor.From(http.User), slug, ApiConventions.OptionalIfMatch(http.Request), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MigrationLedger>> Ledger(DatabaseOperationsService ops, string slug, CancellationToken ct) =>
        TypedResults.Ok(await ops.LedgerAsync(slug, ct));

    private static async Task<Results<Created<MigrationRecord>, Ok<MigrationRecord>>> RecordMigration(
        DatabaseOperationsService ops, string slug, [FromBody] MigrationInput input, HttpContext http, CancellationToken ct)
    {
        var (record, created) = await ops.RecordMigrationAsync(Actor.From(http.User), slug, input, ct);
        return created
            ? TypedResults.Created($"/api/v1/databases/{slug}/migrations", record)
            : TypedResults.Ok(record);
    }

    private static async Task<Ok<SizeHistory>> SizeHistory(DatabaseOperationsService ops, string slug, int? days, CancellationToken ct) =>
        TypedResults.Ok(await ops.SizeHistoryAsync(slug, days ?? 365, ct));

    private static async Task<Created<SizePoint>> RecordSize(
        DatabaseOperationsService ops, string slug, [FromBody] SizeInput input, HttpContext http, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/databases/{slug}/size", await ops.RecordSizeAsync(Actor.From(http.User), slug, input, ct));

    private static async Task<Ok<IReadOnlyList<SlowQueryOffender>>> SlowQueries(
        DatabaseOperationsService ops, string slug, int? days, int? top, CancellationToken ct) =>
        TypedResults.Ok(await ops.TopOffendersAsync(slug, days ?? 30, top ?? 10, ct));

    private static async Task<Created<SlowQueryReportResult>> RecordSlowQueries(
        DatabaseOperationsService ops, string slug, [FromBody] JsonElement body, HttpContext http, CancellationToken ct)
    {
        List<SlowQueryInput>? queries;
        DateTime? at = null;
        try
        {
            if (body.ValueKind == JsonValueKind.Array)
            {
                queries = body.Deserialize<List<SlowQueryInput>>(JsonSerializerOptions.Web);
            }
            else if (body.ValueKind == JsonValueKind.Object)
            {
                var report = body.Deserialize<SlowQueryReport>(JsonSerializerOptions.Web);
                queries = report?.Queries;
                at = report?.At;
            }
            else
            {
                throw new ValidationFailedException(new Dictionary<string, string[]>
                {
                    ["body"] = ["Send a JSON array of { query, calls, meanMs, p95Ms, rows }, or { \"at\": ..., \"queries\": [...] }."],
                });
            }
        }
        catch (JsonException ex)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                [string.IsNullOrEmpty(ex.Path) ? "body" : ex.Path] = [$"The report could not be read: {ex.Message}"],
            });
        }
        var result = await ops.RecordSlowQueriesAsync(Actor.From(http.User), slug, queries, at, ct);
        return TypedResults.Created($"/api/v1/databases/{slug}/slow-queries", result);
    }

    private static async Task<Ok<BackupStatus>> Backups(DatabaseOperationsService ops, string slug, CancellationToken ct) =>
        TypedResults.Ok(await ops.BackupStatusAsync(slug, ct));

    private static async Task<Created<BackupRecord>> RecordBackup(
        DatabaseOperationsService ops, string slug, [FromBody] BackupInput input, HttpContext http, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/databases/{slug}/backups", await ops.RecordBackupAsync(Actor.From(http.User), slug, input, ct));

    private sealed class SlowQueryReport
    {
        public DateTime? At { get; set; }
        public List<SlowQueryInput>? Queries { get; set; }
    }
}
