using System.Globalization;
using System.Text.RegularExpressions;
using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Quality;

/// <summary>
/// A run as stored (its counts are what the file's test cases said) and its pass rate, which leaves out
/// the failures of tests quarantined now (<see cref="QuarantinedFailures"/>): passed ÷ (executed − those).
/// </summary>
public sealed record TestRunSummary(
    long Id, string Suite, string? Commit, string? Branch, string? BuildUrl, string Format, int Files,
    int Total, int Passed, int Failed, int Errors, int Skipped, long DurationMs, double PassRate, DateTime CreatedAt, string CreatedBy,
    int QuarantinedFailures = 0);

public sealed record TestCaseRow(
    long Id, long TestKey, string ClassName, string Name, TestOutcome Outcome, double DurationMs, bool FlakyInRun, string? Message, string? Details,
    bool Quarantined = false);

public sealed record FailureGroup(string Pattern, IReadOnlyList<TestCaseRow> Tests);

public sealed record TestRunDetails(TestRunSummary Run, IReadOnlyList<FailureGroup> FailureGroups, int FailuresShown, IReadOnlyList<TestCaseRow> Slowest);

public sealed record TestHistoryEntry(long RunId, string? Commit, string? Branch, DateTime At, TestOutcome Outcome, double DurationMs, string? Message);

public sealed record ServiceQuality(
    IReadOnlyList<TestRunSummary> Runs,
    IReadOnlyList<TestCaseRow> FailingNow,
    IReadOnlyList<TestCaseRow> Slowest,
    IReadOnlyList<FlakyTestDetails> Flaky,
    IReadOnlyList<LoadTestSummary> LoadTests,
    LoadTestBudgetDetails? Budget);

/// <summary>
/// One service on the QA dashboard. <see cref="PassRate"/> and <see cref="FailingTests"/> cover the latest run of each
/// suite and leave out quarantined tests, whose failures are counted in <see cref="QuarantinedFailing"/> instead.
/// </summary>
public sealed record DashboardRow(
    string Slug, string Name, string Owner, DateTime? LastRunAt, double? PassRate, int FailingTests, int FlakyTests, string? LoadVerdict, DateTime? LoadTestAt,
    int QuarantinedFailing = 0)
{
    /// <summary>Lower is worse: failing tests first, then a failed load test, then low pass rate, then flakiness.</summary>
    public double Health => (FailingTests > 0 ? 0 : 1000) + (LoadVerdict == "fail" ? 0 : 500) + (PassRate ?? 100) - Math.Min(FlakyTests, 99) * 0.5;
}

/// <summary>Reads for the Quality tab, the run page, the QA dashboard and the list endpoints.</summary>
public sealed partial class QualityService(IDbContextFactory<AppDbContext> dbs, FlakyTestService flaky, LoadTestService loadTests)
{
    public const int MaxFailuresShown = 2000;

    public async Task<Page<TestRunSummary>> ListRunsAsync(string slug, PageRequest page, string? suite = null, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var serviceId = await FlakyTestService.ServiceIdAsync(db, slug, ct);
        var query = db.Set<TestRun>().AsNoTracking().Where(r => r.ServiceId == serviceId);
        if (!string.IsNullOrWhiteSpace(suite))
        {
            query = query.Where(r => r.Suite == suite);
        }
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
        var shown = rows.Take(page.Limit).ToList();
        var quarantined = await QuarantinedFailuresAsync(db, shown.Select(r => r.Id).ToList(), ct);
        return new Page<TestRunSummary>(shown.Select(r => Summary(r, quarantined.GetValueOrDefault(r.Id))).ToList(), next, total);
    }

    public async Task<TestRunDetails> GetRunAsync(string slug, long id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var serviceId = await FlakyTestService.ServiceIdAsync(db, slug, ct);
        var run = await db.Set<TestRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.ServiceId == serviceId, ct)
            ?? throw new NotFoundException($"Test run {id} of '{slug}'");
        var failures = await Rows(db, db.Set<TestResult>().Where(t => t.RunId == id && (t.Outcome == TestOutcome.Failed || t.Outcome == TestOutcome.Error))
            .OrderBy(t => t.ClassName).ThenBy(t => t.Name).Take(MaxFailuresShown)).ToListAsync(ct);
        var groups = failures
            .GroupBy(f => Pattern(f.Message))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FailureGroup(g.Key, g.ToList()))
            .ToList();
        var slowest = await Rows(db, db.Set<TestResult>().Where(t => t.RunId == id).OrderByDescending(t => t.DurationMs).Take(10)).ToListAsync(ct);
        var quarantined = await QuarantinedFailuresAsync(db, [id], ct);
        return new TestRunDetails(Summary(run, quarantined.GetValueOrDefault(id)), groups, failures.Count, slowest);
    }

    public async Task<IReadOnlyList<TestHistoryEntry>> HistoryAsync(string slug, long testKey, int take = 20, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var serviceId = await FlakyTestService.ServiceIdAsync(db, slug, ct);
        return await db.Set<TestResult>().AsNoTracking()
            .Where(t => t.ServiceId == serviceId && t.TestKey == testKey)
            .OrderByDescending(t => t.RunId).Take(take)
            .Select(t => new TestHistoryEntry(t.RunId, t.Run.Commit, t.Run.Branch, t.Run.CreatedAt, t.Outcome, t.DurationMs, t.Message))
            .ToListAsync(ct);
    }

    public async Task<ServiceQuality> ForServiceAsync(string slug, int runs = 30, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var serviceId = await FlakyTestService.ServiceIdAsync(db, slug, ct);
        var recent = await db.Set<TestRun>().AsNoTracking().Where(r => r.ServiceId == serviceId)
            .OrderByDescending(r => r.Id).Take(runs).ToListAsync(ct);
        // "Failing now": the latest run of each suite.
        var latestPerSuite = recent.GroupBy(r => r.Suite).Select(g => g.Max(r => r.Id)).ToList();
        var failing = await Rows(db, db.Set<TestResult>().Where(t => latestPerSuite.Contains(t.RunId) && (t.Outcome == TestOutcome.Failed || t.Outcome == TestOutcome.Error))
            .OrderBy(t => t.ClassName).ThenBy(t => t.Name).Take(100)).ToListAsync(ct);
        var slowest = await Rows(db, db.Set<TestResult>().Where(t => latestPerSuite.Contains(t.RunId))
            .OrderByDescending(t => t.DurationMs).Take(10)).ToListAsync(ct);
        var flakyTests = await flaky.ListAsync(slug, false, ct);
        var loads = await loadTests.RecentAsync(db, serviceId, 30, ct);
        var budget = await loadTests.BudgetAsync(db, serviceId, ct);
        var quarantined = await QuarantinedFailuresAsync(db, recent.Select(r => r.Id).ToList(), ct);
        return new ServiceQuality(recent.Select(r => Summary(r, quarantined.GetValueOrDefault(r.Id))).ToList(), failing, slowest, flakyTests, loads, budget);
    }

    /// <summary>Every service with quality data, worst first.</summary>
    public async Task<IReadOnlyList<DashboardRow>> DashboardAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var latestRuns = await db.Set<TestRun>().AsNoTracking()
            .GroupBy(r => new { r.ServiceId, r.Suite })
            .Select(g => g.Max(r => r.Id))
            .ToListAsync(ct);
        var runs = await db.Set<TestRun>().AsNoTracking().Where(r => latestRuns.Contains(r.Id))
            .Select(r => new { r.ServiceId, r.Id, r.Total, r.Passed, r.Skipped, r.Failed, r.Errors, r.CreatedAt })
            .ToListAsync(ct);
        var quarantined = await QuarantinedFailuresAsync(db, latestRuns, ct);
        var flakyCounts = await db.Set<FlakyTest>().AsNoTracking().Where(f => f.IsFlaky)
            .GroupBy(f => f.ServiceId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var latestLoads = await db.Set<LoadTestRun>().AsNoTracking()
            .GroupBy(l => l.ServiceId).Select(g => g.Max(l => l.Id)).ToListAsync(ct);
        var loads = await db.Set<LoadTestRun>().AsNoTracking().Where(l => latestLoads.Contains(l.Id))
            .ToDictionaryAsync(l => l.ServiceId, l => new { l.Passed, l.CreatedAt }, ct);
        var serviceIds = runs.Select(r => r.ServiceId).Concat(flakyCounts.Keys).Concat(loads.Keys).Distinct().ToList();
        var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id))
            .Select(s => new { s.Id, s.Slug, s.Name, Owner = s.OwnerTeam.Name }).ToListAsync(ct);
        return services.Select(s =>
        {
            var mine = runs.Where(r => r.ServiceId == s.Id).ToList();
            var quarantinedFailing = mine.Sum(r => quarantined.GetValueOrDefault(r.Id));
            var executed = mine.Sum(r => r.Total - r.Skipped) - quarantinedFailing;
            double? passRate = mine.Count == 0 ? null : executed <= 0 ? 100 : Math.Round(100.0 * mine.Sum(r => r.Passed) / executed, 1);
            loads.TryGetValue(s.Id, out var load);
            return new DashboardRow(
                s.Slug, s.Name, s.Owner, mine.Count == 0 ? null : mine.Max(r => r.CreatedAt), passRate,
                mine.Sum(r => r.Failed + r.Errors) - quarantinedFailing, flakyCounts.GetValueOrDefault(s.Id),
                load is null ? null : load.Passed ? "pass" : "fail", load?.CreatedAt, quarantinedFailing);
        })
        .OrderBy(r => r.Health).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Slug, StringComparer.Ordinal)
        .ToList();
    }

    /// <summary>
    /// The dashboard as an API list: worst first, keyset-paged on (health, name, slug), so a page boundary
    /// stays put when rows above it change; the cursor names the last row's key, not a position.
    /// </summary>
    public async Task<Page<DashboardRow>> DashboardPageAsync(PageRequest page, CancellationToken ct = default)
    {
        var rows = await DashboardAsync(ct);
        IEnumerable<DashboardRow> rest = rows;
        if (page.After is { } after)
        {
            var parts = after.Split('\n');
            if (parts.Length != 3 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var health))
            {
                throw new ValidationFailedException(new Dictionary<string, string[]> { ["cursor"] = ["cursor is not one this server issued."] });
            }
            rest = rows.Where(r => DashboardOrder.Compare(r, health, parts[1], parts[2]) > 0);
        }
        var items = rest.Take(page.Limit + 1).ToList();
        string? next = null;
        if (items.Count > page.Limit)
        {
            var last = items[page.Limit - 1];
            next = PageRequest.EncodeCursor(string.Join('\n', last.Health.ToString("R", CultureInfo.InvariantCulture), last.Name, last.Slug));
            items.RemoveAt(page.Limit);
        }
        return new Page<DashboardRow>(items, next, rows.Count);
    }

    private static class DashboardOrder
    {
        public static int Compare(DashboardRow row, double health, string name, string slug)
        {
            var c = row.Health.CompareTo(health);
            if (c == 0)
            {
                c = StringComparer.OrdinalIgnoreCase.Compare(row.Name, name);
            }
            return c != 0 ? c : StringComparer.Ordinal.Compare(row.Slug, slug);
        }
    }

    private static IQueryable<TestCaseRow> Rows(AppDbContext db, IQueryable<TestResult> query) => query.AsNoTracking()
        .Select(t => new TestCaseRow(t.Id, t.TestKey, t.ClassName, t.Name, t.Outcome, t.DurationMs, t.FlakyInRun, t.Message, t.Details,
            db.Set<FlakyTest>().Any(f => f.ServiceId == t.ServiceId && f.TestKey == t.TestKey && f.Quarantined)));

    /// <summary>
    /// Per run, the failures (failed or error) of tests that are quarantined now. The quarantine is today's
    /// decision applied to every run shown, so a trend does not jump when a test is quarantined or released.
    /// </summary>
    public static async Task<Dictionary<long, int>> QuarantinedFailuresAsync(AppDbContext db, IReadOnlyCollection<long> runIds, CancellationToken ct)
    {
        if (runIds.Count == 0)
        {
            return [];
        }
        return await db.Set<TestResult>().AsNoTracking()
            .Where(t => runIds.Contains(t.RunId) && (t.Outcome == TestOutcome.Failed || t.Outcome == TestOutcome.Error)
                && db.Set<FlakyTest>().Any(f => f.ServiceId == t.ServiceId && f.TestKey == t.TestKey && f.Quarantined))
            .GroupBy(t => t.RunId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
    }

    public static TestRunSummary Summary(TestRun r, int quarantinedFailures = 0)
    {
        var executed = r.Total - r.Skipped - quarantinedFailures;
        var passRate = executed <= 0 ? 100 : Math.Round(100.0 * r.Passed / executed, 1);
        return new TestRunSummary(r.Id, r.Suite, r.Commit, r.Branch, r.BuildUrl, r.Format, r.FileCount,
            r.Total, r.Passed, r.Failed, r.Errors, r.Skipped, r.DurationMs, passRate, r.CreatedAt, r.CreatedBy, quarantinedFailures);
    }

    /// <summary>
    /// What makes two failure messages "the same problem": the first line, with numbers, ids, hex,
    /// quoted values and paths' line numbers replaced, so "expected 3 but was 4" and "expected 5 but was 7" group.
    /// </summary>
    public static string Pattern(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return "(no message)";
        }
        var line = message.Trim();
        var newline = line.IndexOfAny(['\r', '\n']);
        if (newline > 0)
        {
            line = line[..newline];
        }
        line = Guids().Replace(line, "<id>");
        line = Quoted().Replace(line, "\"…\"");
        line = Hex().Replace(line, "<hex>");
        line = Numbers().Replace(line, "<n>");
        line = Spaces().Replace(line, " ");
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")]
    private static partial Regex Guids();

    [GeneratedRegex("(\"[^\"]*\"|'[^']*')")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\b0x[0-9a-fA-F]+\b|\b[0-9a-f]{12,}\b")]
    private static partial Regex Hex();

    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
