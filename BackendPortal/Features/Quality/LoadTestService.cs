using System.Globalization;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Live;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Quality;

public sealed record LoadTestCreated(long Id, double? P95Ms, double? Rps, double? ErrorRate, string Verdict, IReadOnlyList<string> Reasons);

public sealed record LoadTestSummary(
    long Id, string? Name, string? Commit, string Shape, double? AvgMs, double? MedMs, double? P90Ms, double? P95Ms, double? P99Ms, double? MaxMs,
    long? Requests, double? Rps, double? ErrorRate, double? ChecksPassRate, long? Iterations, long? VusMax,
    IReadOnlyList<K6Threshold> Thresholds, string Verdict, IReadOnlyList<string> Reasons, DateTime CreatedAt, string CreatedBy);

public sealed class LoadTestBudgetInput
{
    public double? P95Ms { get; set; }
    public double? MaxErrorRate { get; set; }
    public double? MinRps { get; set; }
}

public sealed record LoadTestBudgetDetails(double? P95Ms, double? MaxErrorRate, double? MinRps, DateTime UpdatedAt, string UpdatedBy);

public sealed class LoadTestService(IDbContextFactory<AppDbContext> dbs, TimeProvider clock, IOptions<QualityOptions> options, AuditService audit, ILiveEvents live)
{
    public async Task<LoadTestCreated> IngestAsync(Actor actor, string slug, JsonElement body, string? name, string? commit, CancellationToken ct = default)
    {
        QualityAccess.RequireIngester(actor);
        var errors = new ValidationErrors();
        if (name is { Length: > 200 })
        {
            errors.Add("name", "name must be at most 200 characters.");
        }
        if (commit is { Length: > QualityLimits.CommitLength })
        {
            errors.Add("commit", $"commit must be at most {QualityLimits.CommitLength} characters.");
        }
        errors.ThrowIfAny();
        var summary = K6Summary.Parse(body);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var serviceId = await FlakyTestService.ServiceIdAsync(db, slug, ct);
        var budget = await db.Set<LoadTestBudget>().AsNoTracking().FirstOrDefaultAsync(b => b.ServiceId == serviceId, ct);
        var previous = await db.Set<LoadTestRun>().AsNoTracking().Where(r => r.ServiceId == serviceId && r.P95Ms != null)
            .OrderByDescending(r => r.Id).Select(r => r.P95Ms).FirstOrDefaultAsync(ct);
        var (passed, reasons) = LoadTestVerdict.Judge(summary,
            budget is null ? null : new LoadTestVerdict.Budget(budget.P95Ms, budget.MaxErrorRate, budget.MinRps),
            previous, options.Value.RegressionPercent);
        var run = new LoadTestRun
        {
            ServiceId = serviceId,
            Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim(),
            Commit = string.IsNullOrWhiteSpace(commit) ? null : commit.Trim(),
            Shape = summary.Shape,
            AvgMs = summary.AvgMs,
            MinMs = summary.MinMs,
            MedMs = summary.MedMs,
            MaxMs = summary.MaxMs,
            P90Ms = summary.P90Ms,
            P95Ms = summary.P95Ms,
            P99Ms = summary.P99Ms,
            Requests = summary.Requests,
            Rps = summary.Rps,
            ErrorRate = summary.ErrorRate,
            ChecksPassRate = summary.ChecksPassRate,
            Iterations = summary.Iterations,
            VusMax = summary.VusMax,
            ThresholdsJson = JsonSerializer.Serialize(summary.Thresholds, JsonSerializerOptions.Web),
            Passed = passed,
            ReasonsJson = JsonSerializer.Serialize(reasons, JsonSerializerOptions.Web),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor.Name,
        };
        db.Add(run);
        await db.SaveChangesAsync(ct);
        live.Publish(new LoadTestRecorded(slug, run.Id, passed));
        return new LoadTestCreated(run.Id, run.P95Ms, run.Rps, run.ErrorRate, passed ? "pass" : "fail", reasons);
    }

    public async Task<Page<LoadTestSummary>> ListAsync(string slug, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var serviceId = await FlakyTestService.ServiceIdAsync(db, slug, ct);
        var query = db.Set<LoadTestRun>().AsNoTracking().Where(r => r.ServiceId == serviceId);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var afterId))
            {
                throw new ValidationFailedException(new Dictionary<string, string[]> { ["cursor"] = ["cursor is not one this server issued."] });
            }
            query = query.Where(r => r.Id < afterId);
        }
        var rows = await query.OrderByDescending(r => r.Id).Take(page.Limit + 1).ToListAsync(ct);
        var next = rows.Count > page.Limit ? PageRequest.EncodeCursor(rows[page.Limit - 1].Id.ToString(CultureInfo.InvariantCulture)) : null;
        return new Page<LoadTestSummary>(rows.Take(page.Limit).Select(ToSummary).ToList(), next, total);
    }

    public async Task<IReadOnlyList<LoadTestSummary>> RecentAsync(AppDbContext db, int serviceId, int take, CancellationToken ct)
    {
        var rows = await db.Set<LoadTestRun>().AsNoTracking().Where(r => r.ServiceId == serviceId)
            .OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
        return rows.Select(ToSummary).ToList();
    }

    public async Task<LoadTestBudgetDetails?> BudgetAsync(AppDbContext db, int serviceId, CancellationToken ct)
    {
        var b = await db.Set<LoadTestBudget>().AsNoTracking().FirstOrDefaultAsync(x => x.ServiceId == serviceId, ct);
        return b is null ? null : new LoadTestBudgetDetails(b.P95Ms, b.MaxErrorRate, b.MinRps, b.UpdatedAt, b.UpdatedBy);
    }

    public async Task<LoadTestBudgetDetails?> GetBudgetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await BudgetAsync(db, await FlakyTestService.ServiceIdAsync(db, slug, ct), ct);
    }

    public async Task<LoadTestBudgetDetails> SetBudgetAsync(Actor actor, string slug, LoadTestBudgetInput input, CancellationToken ct = default)
    {
        QualityAccess.RequireIngester(actor);
        var errors = new ValidationErrors();
        if (input.P95Ms is { } p95 && (!double.IsFinite(p95) || p95 <= 0))
        {
            errors.Add("p95Ms", "p95Ms must be a positive number of milliseconds.");
        }
        if (input.MaxErrorRate is { } rate && (!double.IsFinite(rate) || rate is < 0 or > 1))
        {
            errors.Add("maxErrorRate", "maxErrorRate is a fraction between 0 and 1 (0.01 is 1%).");
        }
        if (input.MinRps is { } rps && (!double.IsFinite(rps) || rps < 0))
        {
            errors.Add("minRps", "minRps must be zero or more requests per second.");
        }
        errors.ThrowIfAny();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var serviceId = await FlakyTestService.ServiceIdAsync(db, slug, ct);
        var budget = await db.Set<LoadTestBudget>().FirstOrDefaultAsync(b => b.ServiceId == serviceId, ct);
        object? before = budget is null ? null : new { budget.P95Ms, budget.MaxErrorRate, budget.MinRps };
        if (budget is null)
        {
            budget = new LoadTestBudget { ServiceId = serviceId };
            db.Add(budget);
        }
        budget.P95Ms = input.P95Ms;
        budget.MaxErrorRate = input.MaxErrorRate;
        budget.MinRps = input.MinRps;
        budget.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        budget.UpdatedBy = actor.Name;
        audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "load-test-budget", slug, $"Load-test budget of {slug}",
            before, new { budget.P95Ms, budget.MaxErrorRate, budget.MinRps });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("Someone else set this budget at the same moment; reload and try again.");
        }
        return new LoadTestBudgetDetails(budget.P95Ms, budget.MaxErrorRate, budget.MinRps, budget.UpdatedAt, budget.UpdatedBy);
    }

    private static LoadTestSummary ToSummary(LoadTestRun r) => new(
        r.Id, r.Name, r.Commit, r.Shape, r.AvgMs, r.MedMs, r.P90Ms, r.P95Ms, r.P99Ms, r.MaxMs, r.Requests, r.Rps, r.ErrorRate, r.ChecksPassRate,
        r.Iterations, r.VusMax,
        JsonSerializer.Deserialize<List<K6Threshold>>(r.ThresholdsJson, JsonSerializerOptions.Web) ?? [],
        r.Passed ? "pass" : "fail",
        JsonSerializer.Deserialize<List<string>>(r.ReasonsJson, JsonSerializerOptions.Web) ?? [],
        r.CreatedAt, r.CreatedBy);
}
