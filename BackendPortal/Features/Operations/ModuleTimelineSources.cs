using System.Globalization;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Quality;
using BackendPortal.Features.Services;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Operations;

/// <summary>
/// Test runs whose outcome differs from the suite's previous run (and a suite's first run): a service
/// that runs CI on every commit would otherwise bury everything else under identical green runs.
/// </summary>
public sealed class TestRunTimelineSource : ITimelineSource
{
    public IReadOnlyList<string> Kinds { get; } = ["test-run"];

    public async Task<IReadOnlyList<TimelineItem>> GetAsync(AppDbContext db, TimelineQuery q, CancellationToken ct)
    {
        var rows = await Rows(db, q).OrderByDescending(r => r.CreatedAt).Take(q.Limit)
            .Select(r => new
            {
                r.Id,
                r.Suite,
                r.CreatedAt,
                r.Total,
                r.Passed,
                r.Failed,
                r.Errors,
                r.Commit,
                r.Branch,
                r.CreatedBy,
                First = !db.TestRuns.Any(p => p.ServiceId == r.ServiceId && p.Suite == r.Suite && p.Id < r.Id),
            })
            .ToListAsync(ct);
        return rows.Select(r =>
        {
            var failing = r.Failed + r.Errors > 0;
            var title = failing
                ? $"Tests failing in {r.Suite}: {r.Failed + r.Errors} of {r.Total} failed"
                : $"Tests passing in {r.Suite}: {r.Passed} of {r.Total} passed";
            var detail = string.Join(" · ", new[]
            {
                r.First ? "first run of the suite" : failing ? "was passing" : "was failing",
                r.Commit is null ? null : "commit " + r.Commit,
                r.Branch is null ? null : "branch " + r.Branch,
                "by " + r.CreatedBy,
            }.Where(p => p is not null));
            return new TimelineItem(r.CreatedAt, "test-run", title, detail, $"/services/{q.ServiceSlug}/test-runs/{r.Id}",
                "t" + r.Id.ToString("D19", CultureInfo.InvariantCulture), failing ? "fail" : "pass");
        }).ToList();
    }

    public Task<int> CountAsync(AppDbContext db, TimelineQuery q, CancellationToken ct) => Rows(db, q).CountAsync(ct);

    private static IQueryable<TestRun> Rows(AppDbContext db, TimelineQuery q) =>
        from r in db.TestRuns.AsNoTracking()
        where r.ServiceId == q.ServiceId && r.CreatedAt >= q.Since && r.CreatedAt < q.Until
        let previous = db.TestRuns
            .Where(p => p.ServiceId == r.ServiceId && p.Suite == r.Suite && p.Id < r.Id)
            .OrderByDescending(p => p.Id)
            .Select(p => (int?)(p.Failed + p.Errors))
            .FirstOrDefault()
        where previous == null || (previous > 0) != (r.Failed + r.Errors > 0)
        select r;
}

/// <summary>Every load-test verdict: they are rare and each one is a decision point.</summary>
public sealed class LoadTestTimelineSource : ITimelineSource
{
    public IReadOnlyList<string> Kinds { get; } = ["load-test"];

    public async Task<IReadOnlyList<TimelineItem>> GetAsync(AppDbContext db, TimelineQuery q, CancellationToken ct)
    {
        var rows = await Rows(db, q)
            .OrderByDescending(r => r.CreatedAt).Take(q.Limit)
            .Select(r => new { r.Id, r.Name, r.Passed, r.P95Ms, r.Rps, r.ErrorRate, r.ReasonsJson, r.CreatedAt, r.CreatedBy })
            .ToListAsync(ct);
        return rows.Select(r =>
        {
            var name = r.Name is null ? "Load test" : $"Load test {r.Name}";
            var figures = string.Join(", ", new[]
            {
                r.P95Ms is { } p95 ? $"p95 {p95.ToString("0.#", CultureInfo.InvariantCulture)} ms" : null,
                r.Rps is { } rps ? $"{rps.ToString("0.#", CultureInfo.InvariantCulture)} req/s" : null,
                r.ErrorRate is { } rate ? $"{(rate * 100).ToString("0.##", CultureInfo.InvariantCulture)}% errors" : null,
            }.Where(p => p is not null));
            var reasons = JsonSerializer.Deserialize<List<string>>(r.ReasonsJson, JsonSerializerOptions.Web) ?? [];
            var detail = string.Join(" · ", new[] { figures.Length == 0 ? null : figures, reasons.Count == 0 ? null : string.Join("; ", reasons), "by " + r.CreatedBy }
                .Where(p => p is not null));
            return new TimelineItem(r.CreatedAt, "load-test", $"{name} {(r.Passed ? "passed" : "failed")}", detail, null,
                "l" + r.Id.ToString("D19", CultureInfo.InvariantCulture), r.Passed ? "pass" : "fail");
        }).ToList();
    }

    public Task<int> CountAsync(AppDbContext db, TimelineQuery q, CancellationToken ct) => Rows(db, q).CountAsync(ct);

    private static IQueryable<LoadTestRun> Rows(AppDbContext db, TimelineQuery q) =>
        db.LoadTestRuns.AsNoTracking().Where(r => r.ServiceId == q.ServiceId && r.CreatedAt >= q.Since && r.CreatedAt < q.Until);
}

/// <summary>Migrations applied to the databases the service uses, at the time they were applied.</summary>
public sealed class MigrationTimelineSource : ITimelineSource
{
    public IReadOnlyList<string> Kinds { get; } = ["migration"];

    public async Task<IReadOnlyList<TimelineItem>> GetAsync(AppDbContext db, TimelineQuery q, CancellationToken ct)
    {
        var rows = await Rows(db, q)
            .OrderByDescending(m => m.AppliedAt).Take(q.Limit)
            .Select(m => new { m.Id, m.MigrationId, m.Description, m.Environment, m.AppliedAt, m.AppliedBy, m.Database.Slug })
            .ToListAsync(ct);
        return rows.Select(m => new TimelineItem(m.AppliedAt, "migration", $"Migration {m.MigrationId} applied to {m.Slug} ({m.Environment})",
            string.Join(" · ", new[] { m.Description, m.AppliedBy is null ? null : "by " + m.AppliedBy }.Where(p => p is not null)) is { Length: > 0 } d ? d : null,
            $"/databases/{m.Slug}", "m" + m.Id.ToString("D19", CultureInfo.InvariantCulture))).ToList();
    }

    public Task<int> CountAsync(AppDbContext db, TimelineQuery q, CancellationToken ct) => Rows(db, q).CountAsync(ct);

    private static IQueryable<DatabaseMigration> Rows(AppDbContext db, TimelineQuery q) =>
        db.DatabaseMigrations.AsNoTracking()
            .Where(m => db.ServiceDatabases.Any(sd => sd.ServiceId == q.ServiceId && sd.DatabaseId == m.DatabaseId) && m.AppliedAt >= q.Since && m.AppliedAt < q.Until);
}

/// <summary>New spec versions of the APIs the service provides or consumes; breaking ones stand out.</summary>
public sealed class ApiVersionTimelineSource : ITimelineSource
{
    public IReadOnlyList<string> Kinds { get; } = ["api-version"];

    public async Task<IReadOnlyList<TimelineItem>> GetAsync(AppDbContext db, TimelineQuery q, CancellationToken ct)
    {
        var rows = await Rows(db, q)
            .OrderByDescending(v => v.CreatedAt).Take(q.Limit)
            .Select(v => new
            {
                v.Id,
                v.Label,
                v.CreatedAt,
                v.CreatedBy,
                v.BreakingCount,
                v.Score,
                v.OperationCount,
                v.Api.Slug,
                Provides = db.ServiceApis.Any(l => l.ServiceId == q.ServiceId && l.ApiId == v.ApiId && l.Role == ApiRole.Provides),
            })
            .ToListAsync(ct);
        return rows.Select(v =>
        {
            var role = v.Provides ? "provided" : "consumed";
            var detail = $"{role} API · {v.OperationCount} operations · score {v.Score}"
                + (v.BreakingCount > 0 ? $" · {v.BreakingCount} breaking change{(v.BreakingCount == 1 ? "" : "s")}" : "")
                + " · by " + v.CreatedBy;
            return new TimelineItem(v.CreatedAt, "api-version", $"API {v.Slug} version {v.Label} uploaded", detail, $"/apis/{v.Slug}",
                "a" + v.Id.ToString("D12", CultureInfo.InvariantCulture), v.BreakingCount > 0 ? "breaking" : null);
        }).ToList();
    }

    public Task<int> CountAsync(AppDbContext db, TimelineQuery q, CancellationToken ct) => Rows(db, q).CountAsync(ct);

    private static IQueryable<ApiSpecVersion> Rows(AppDbContext db, TimelineQuery q) =>
        db.ApiVersions.AsNoTracking()
            .Where(v => db.ServiceApis.Any(l => l.ServiceId == q.ServiceId && l.ApiId == v.ApiId) && v.CreatedAt >= q.Since && v.CreatedAt < q.Until);
}
