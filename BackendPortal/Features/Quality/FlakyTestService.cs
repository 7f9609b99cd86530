using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Quality;

public sealed record FlakyTestDetails(
    int Id, string Suite, string ClassName, string Name, bool IsFlaky, string Reason, int Flips, int Window, double FlipRate,
    DateTime FirstSeenAt, DateTime LastSeenAt, bool Quarantined, string? QuarantineNote, string? QuarantinedBy, DateTime? QuarantinedAt, string ETag);

public sealed class QuarantineInput
{
    public bool Quarantined { get; set; }
    public string? Note { get; set; }
}

public sealed class FlakyTestService(IDbContextFactory<AppDbContext> dbs, TimeProvider clock, IOptions<QualityOptions> options, AuditService audit, SqliteWriteGate writes)
{
    private static readonly Func<AppDbContext, int, string, int, CancellationToken, Task<bool>> FailureInWindow =
        EF.CompileAsyncQuery((AppDbContext db, int serviceId, string suite, int window, CancellationToken ct) =>
            db.Set<TestRun>().Where(r => r.ServiceId == serviceId && r.Suite == suite)
                .OrderByDescending(r => r.Id).Take(window).Any(r => r.Failed + r.Errors > 0));

    private static readonly Func<AppDbContext, int, string, CancellationToken, Task<bool>> AnyFlagged =
        EF.CompileAsyncQuery((AppDbContext db, int serviceId, string suite, CancellationToken ct) =>
            db.Set<FlakyTest>().Any(f => f.ServiceId == serviceId && f.Suite == suite && f.IsFlaky));

    /// <summary>
    /// After a run is stored. A run with failures or reruns is judged in full. A clean run can still change a
    /// verdict (a flip back to passing), but only of a test that failed in the suite's window or is flagged now;
    /// the run rows' own failure counts and the flagged set answer that on two indexes, without reading results.
    /// (A rerun-passed test in the window was flagged when its run was judged, so the flagged set covers it.)
    /// The checks use the caller's context (the request's own), the full judgement its own.
    /// </summary>
    public async Task EvaluateAfterRunAsync(AppDbContext db, int serviceId, string suite, bool runHasFailuresOrReruns, CancellationToken ct = default)
    {
        if (!runHasFailuresOrReruns)
        {
            var window = Math.Max(2, options.Value.FlakyWindow);
            if (!await AnyFlagged(db, serviceId, suite, ct) && !await FailureInWindow(db, serviceId, suite, window, ct))
            {
                return;
            }
        }
        await EvaluateAsync(serviceId, suite, ct);
    }

    /// <summary>
    /// Re-judges the tests that could have changed state: those that failed (or passed on a rerun)
    /// in the suite's last N runs, and those flagged flaky before. A green run of a stable suite costs two small reads.
    /// </summary>
    public async Task EvaluateAsync(int serviceId, string suite, CancellationToken ct = default)
    {
        var window = Math.Max(2, options.Value.FlakyWindow);
        await using var db = await dbs.CreateDbContextAsync(ct);
        // One query answers "anything to judge?" (a failure in the window, or a test flagged before), so a
        // green run of a stable suite costs one read; the window's runs are only loaded when there is.
        var windowRunIds = db.Set<TestRun>()
            .Where(r => r.ServiceId == serviceId && r.Suite == suite)
            .OrderByDescending(r => r.Id).Take(window)
            .Select(r => r.Id);
        var keys = await db.Set<TestResult>().AsNoTracking()
            .Where(t => windowRunIds.Contains(t.RunId) && (t.Outcome == TestOutcome.Failed || t.Outcome == TestOutcome.Error || t.FlakyInRun))
            .Select(t => t.TestKey).Distinct().Take(5000)
            .Union(db.Set<FlakyTest>().Where(f => f.ServiceId == serviceId && f.Suite == suite && f.IsFlaky).Select(f => f.TestKey))
            .ToListAsync(ct);
        if (keys.Count == 0)
        {
            return;
        }
        var runs = await db.Set<TestRun>().AsNoTracking()
            .Where(r => r.ServiceId == serviceId && r.Suite == suite)
            .OrderByDescending(r => r.Id).Take(window)
            .Select(r => new { r.Id, r.Commit, r.CreatedAt })
            .ToListAsync(ct);
        if (runs.Count == 0)
        {
            return;
        }
        var oldest = runs.Min(r => r.Id);
        var runInfo = runs.ToDictionary(r => r.Id);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var chunk in keys.Chunk(400))
        {
            var results = await db.Set<TestResult>().AsNoTracking()
                .Where(t => t.ServiceId == serviceId && chunk.Contains(t.TestKey) && t.RunId >= oldest)
                .Select(t => new { t.TestKey, t.RunId, t.Outcome, t.FlakyInRun, t.ClassName, t.Name })
                .ToListAsync(ct);
            var existing = await db.Set<FlakyTest>()
                .Where(f => f.ServiceId == serviceId && chunk.Contains(f.TestKey))
                .ToDictionaryAsync(f => f.TestKey, ct);
            foreach (var test in results.Where(r => runInfo.ContainsKey(r.RunId)).GroupBy(r => r.TestKey))
            {
                var verdict = FlakyRules.Evaluate(
                    test.Select(r => new FlakyRules.Observation(r.RunId, runInfo[r.RunId].Commit, r.Outcome, r.FlakyInRun, runInfo[r.RunId].CreatedAt)),
                    options.Value.FlakyFlips);
                existing.TryGetValue(test.Key, out var row);
                if (row is null && !verdict.IsFlaky)
                {
                    continue;
                }
                if (row is null)
                {
                    var first = test.First();
                    row = new FlakyTest
                    {
                        ServiceId = serviceId,
                        Suite = suite,
                        TestKey = test.Key,
                        ClassName = first.ClassName,
                        Name = first.Name,
                        FirstSeenAt = verdict.LastSeen ?? now,
                    };
                    db.Add(row);
                }
                var before = (row.IsFlaky, row.Reason, row.LastSeenAt, row.Flips, row.Window, row.FlipRate);
                row.IsFlaky = verdict.IsFlaky;
                if (verdict.IsFlaky)
                {
                    row.Reason = QualityLimits.Truncate(verdict.Reason, 300)!;
                    row.LastSeenAt = verdict.LastSeen ?? now;
                }
                row.Flips = verdict.Flips;
                row.Window = verdict.Considered;
                row.FlipRate = Math.Round(verdict.FlipRate, 4);
                if (row.Id == 0 || before != (row.IsFlaky, row.Reason, row.LastSeenAt, row.Flips, row.Window, row.FlipRate))
                {
                    row.Version = Guid.NewGuid();
                }
            }
        }
        if (!db.ChangeTracker.HasChanges())
        {
            return;
        }
        try
        {
            using (await writes.EnterAsync(db.Database, ct))
            {
                await db.SaveChangesAsync(ct);
            }
        }
        catch (DbUpdateException)
        {
            // Two runs of one suite judged the same new flaky test at once; the other's row stands.
        }
    }

    public async Task<IReadOnlyList<FlakyTestDetails>> ListAsync(string slug, bool includeResolved = false, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var serviceId = await ServiceIdAsync(db, slug, ct);
        var rows = await db.Set<FlakyTest>().AsNoTracking()
            .Where(f => f.ServiceId == serviceId && (includeResolved || f.IsFlaky || f.Quarantined))
            .OrderByDescending(f => f.IsFlaky).ThenByDescending(f => f.FlipRate).ThenByDescending(f => f.LastSeenAt)
            .Take(1000)
            .ToListAsync(ct);
        return rows.Select(ToDetails).ToList();
    }

    public async Task<bool> CanQuarantineAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var ownerTeamId = await db.Services.Where(s => s.SlugKey == key).Select(s => (int?)s.OwnerTeamId).FirstOrDefaultAsync(ct);
        return ownerTeamId is { } team && await QualityAccess.CanQuarantineAsync(db, actor, team, ct);
    }

    public async Task<FlakyTestDetails> SetQuarantineAsync(Actor actor, string slug, int id, QuarantineInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note is { Length: > 1000 })
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["note"] = ["The note must be at most 1000 characters."] });
        }
        if (input.Quarantined && note is null)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["note"] = ["Say why the test is quarantined (a ticket, an owner, a plan)."] });
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var service = await db.Services.Where(s => s.SlugKey == key).Select(s => new { s.Id, s.OwnerTeamId }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{slug}'");
        if (!await QualityAccess.CanQuarantineAsync(db, actor, service.OwnerTeamId, ct))
        {
            throw new ForbiddenException("Only QA, admins and engineers of the owning team can quarantine this service's tests.");
        }
        var row = await db.Set<FlakyTest>().FirstOrDefaultAsync(f => f.Id == id && f.ServiceId == service.Id, ct)
            ?? throw new NotFoundException($"Flaky test {id} of '{slug}'");
        if (expectedVersion is { } expected && expected != row.Version)
        {
            throw new ConcurrencyConflictException("This flaky test", row.QuarantinedBy ?? "the flaky detector", row.QuarantinedAt ?? row.LastSeenAt, $"\"{row.Version:N}\"");
        }
        var before = new { row.Quarantined, row.QuarantineNote };
        row.Quarantined = input.Quarantined;
        row.QuarantineNote = note;
        row.QuarantinedBy = actor.Name;
        row.QuarantinedAt = clock.GetUtcNow().UtcDateTime;
        row.Version = Guid.NewGuid();
        audit.AddDataChange(db, actor, AuditActions.EntityUpdated,
            "flaky-test", $"{slug}/{row.Id}", $"{row.ClassName} {row.Name}", before, new { row.Quarantined, row.QuarantineNote });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Someone else changed this flaky test at the same moment; reload and try again.");
        }
        return ToDetails(row);
    }

    public static async Task<int> ServiceIdAsync(AppDbContext db, string slug, CancellationToken ct)
    {
        var key = Slug.Key(slug);
        var id = await db.Services.Where(s => s.SlugKey == key).Select(s => s.Id).FirstOrDefaultAsync(ct);
        return id == 0 ? throw new NotFoundException($"Service '{slug}'") : id;
    }

    private static FlakyTestDetails ToDetails(FlakyTest f) => new(
        f.Id, f.Suite, f.ClassName, f.Name, f.IsFlaky, f.Reason, f.Flips, f.Window, f.FlipRate, f.FirstSeenAt, f.LastSeenAt,
        f.Quarantined, f.QuarantineNote, f.QuarantinedBy, f.QuarantinedAt, $"\"{f.Version:N}\"");
}
