using BackendPortal.Data;
using BackendPortal.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Operations;

/// <summary>
/// A check claimed for one probe: the request to send, the lease that proves the claim, and the status and interval
/// the check had then (a probe that confirms that status is recorded without reading the check again).
/// </summary>
public sealed record ClaimedCheck(ProbeRequest Probe, DateTime DueAt, DateTime ConfigUpdatedAt, string LeaseToken, HealthStatus Status, int IntervalSeconds);

/// <summary>A finished probe waiting to be recorded; <paramref name="At"/> is when it ended.</summary>
public sealed record ProbeResult(ClaimedCheck Claim, ProbeOutcome Outcome, DateTime At);

/// <summary>
/// The prober's database side: claiming due checks with a lease, recording outcomes and status
/// flips (with their incident consequences), rolling raw results up into buckets, pruning.
/// Every step is safe to run from several instances at once.
/// </summary>
public sealed class HealthMonitor(
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    IOptions<HealthOptions> options,
    ILiveEvents live,
    HeaderProtector headerProtector,
    ILogger<HealthMonitor> logger)
{
    /// <summary>Longer than any probe may take (timeouts are capped at 120 s), so a lease only lapses when its instance died.</summary>
    public static readonly TimeSpan LeaseLength = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Leases up to <paramref name="max"/> checks due now or within <paramref name="lookahead"/>; the caller
    /// starts each at its due time, so a poll interval never adds itself to the lag.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedCheck>> ClaimDueAsync(int max, CancellationToken ct = default, TimeSpan lookahead = default)
    {
        if (max <= 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var horizon = now + lookahead;
        var candidates = await db.HealthChecks.AsNoTracking()
            .Where(c => c.Enabled && c.NextDueAt <= horizon && (c.LeaseUntil == null || c.LeaseUntil < now))
            .OrderBy(c => c.NextDueAt)
            .Take(max)
            .ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return [];
        }
        var ids = candidates.Select(c => c.Id).ToList();
        var token = Guid.NewGuid().ToString("N");
        var until = now + LeaseLength;
        // The WHERE repeats the due-and-free test: whichever instance updates a row first owns it.
        var leased = await db.HealthChecks
            .Where(c => ids.Contains(c.Id) && c.NextDueAt <= horizon && (c.LeaseUntil == null || c.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, token).SetProperty(c => c.LeaseUntil, until), ct);
        // Every candidate leased (the usual case): the rows just read are the claimed ones. Otherwise another instance
        // (or an edit) got in between: read back exactly what this lease holds.
        var claimed = leased == candidates.Count
            ? candidates
            : await db.HealthChecks.AsNoTracking().Where(c => c.LeaseOwner == token).ToListAsync(ct);
        return claimed.Select(c => new ClaimedCheck(ToProbe(c), c.NextDueAt, c.UpdatedAt, token, c.Status, c.IntervalSeconds)).ToList();
    }

    public ProbeRequest ToProbe(HealthCheck c) => new(
        c.Id, c.Url, c.Method, c.TimeoutSeconds, c.ExpectedStatus, c.Keyword, c.JsonPath, c.JsonValue, PlainHeaders(c), c.DegradedAboveMs);

    private Dictionary<string, string> PlainHeaders(HealthCheck c)
    {
        var plain = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, stored) in HeaderProtector.ReadStored(c.HeadersJson))
        {
            if (headerProtector.Unprotect(stored) is { } value)
            {
                plain[name] = value;
            }
            else
            {
                // Only the name: the value is a secret even when it cannot be read.
                logger.LogWarning("Header {Header} of health check {CheckId} cannot be decrypted (the Data Protection key ring changed); the probe is sent without it until the value is entered again.", name, c.Id);
            }
        }
        return plain;
    }

    /// <summary>Protects header values stored in plain text before protection existed. Idempotent.</summary>
    public async Task<int> ProtectLegacyHeadersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.HealthChecks.Where(c => c.HeadersJson != null).ToListAsync(ct);
        var changed = 0;
        foreach (var check in rows)
        {
            var stored = HeaderProtector.ReadStored(check.HeadersJson);
            if (stored.Values.Any(v => !HeaderProtector.IsProtected(v)))
            {
                check.HeadersJson = headerProtector.ProtectAll(stored);
                changed++;
            }
        }
        if (changed > 0)
        {
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Protected the header values of {Count} health checks stored before Data Protection was used.", changed);
        }
        return changed;
    }

    /// <summary>Gives a claim back without a result (shutdown in the middle of a probe).</summary>
    public async Task ReleaseAsync(ClaimedCheck claim, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.HealthChecks.Where(c => c.Id == claim.Probe.CheckId && c.LeaseOwner == claim.LeaseToken)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null), ct);
    }

    public Task RecordAsync(ClaimedCheck claim, ProbeOutcome outcome, CancellationToken ct = default) =>
        RecordManyAsync([new ProbeResult(claim, outcome, clock.GetUtcNow().UtcDateTime)], ct);

    /// <summary>
    /// Records several probes' outcomes. Probes that confirm their check's status (nearly all of them) go through
    /// <see cref="QuietResultWriter"/>: plain statements, nothing read or tracked. The rest, and any batch the quiet
    /// writer turns down, are recorded with one read of their checks and one SaveChanges, status flips and incidents
    /// included.
    /// </summary>
    public async Task RecordManyAsync(IReadOnlyList<ProbeResult> results, CancellationToken ct = default)
    {
        if (results.Count == 0)
        {
            return;
        }
        var rest = results;
        var quiet = QuietOf(results);
        if (quiet.Count > 0 && await TryRecordQuietAsync(quiet, ct))
        {
            var written = new HashSet<ProbeResult>(quiet, ReferenceEqualityComparer.Instance);
            rest = [.. results.Where(r => !written.Contains(r))];
        }
        if (rest.Count > 0)
        {
            await RecordTrackedAsync(rest, ct);
        }
    }

    /// <summary>Quiet results whose check has no other result in the batch (a second one would see the first's outcome).</summary>
    private static List<ProbeResult> QuietOf(IReadOnlyList<ProbeResult> results)
    {
        var quiet = new List<ProbeResult>(results.Count);
        HashSet<int>? seen = null;
        HashSet<int>? repeated = null;
        foreach (var r in results)
        {
            seen ??= new HashSet<int>(results.Count);
            if (!seen.Add(r.Claim.Probe.CheckId))
            {
                (repeated ??= []).Add(r.Claim.Probe.CheckId);
            }
        }
        foreach (var r in results)
        {
            if (QuietResultWriter.IsQuiet(r) && repeated?.Contains(r.Claim.Probe.CheckId) != true)
            {
                quiet.Add(r);
            }
        }
        return quiet;
    }

    private async Task<bool> TryRecordQuietAsync(List<ProbeResult> quiet, CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return await QuietResultWriter.TryWriteAsync(db, quiet, ct);
        }
        catch (System.Data.Common.DbException ex)
        {
            // Nothing was committed; the tracked path records them and reports its own failure if there is one.
            logger.LogWarning(ex, "Recording {Count} probe results with plain statements failed; recording them through EF.", quiet.Count);
            return false;
        }
    }

    /// <summary>
    /// Records outcomes with one read of their checks and one SaveChanges: status flips, their incident consequences
    /// and live events.
    /// </summary>
    private async Task RecordTrackedAsync(IReadOnlyList<ProbeResult> results, CancellationToken ct)
    {
        var events = new List<LiveEvent>();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var ids = results.Select(r => r.Claim.Probe.CheckId).Distinct().ToList();
            var checks = await db.HealthChecks
                .Where(c => ids.Contains(c.Id))
                .ToDictionaryAsync(c => c.Id, ct);
            await LoadOwnersAsync(db, results, checks, ct);
            foreach (var result in results)
            {
                if (checks.TryGetValue(result.Claim.Probe.CheckId, out var check))
                {
                    await ApplyOutcomeAsync(db, check, result.Claim, result.Outcome, result.At, events, ct);
                }
            }
            await db.SaveChangesAsync(ct);
        }
        foreach (var e in events)
        {
            live.Publish(e);
        }
    }

    /// <summary>The next due time after a probe that was due at <paramref name="dueAt"/> and ended at <paramref name="now"/>.</summary>
    public static DateTime NextDue(DateTime dueAt, int intervalSeconds, DateTime now)
    {
        // Keep the check's phase; intervals missed while the prober was away are skipped, not made up in a burst.
        var interval = TimeSpan.FromSeconds(intervalSeconds);
        var nextDue = dueAt + interval;
        if (nextDue <= now)
        {
            nextDue += interval * (Math.Floor((now - nextDue) / interval) + 1);
        }
        return nextDue;
    }

    private static async Task ApplyOutcomeAsync(AppDbContext db, HealthCheck check, ClaimedCheck claim, ProbeOutcome outcome, DateTime now, List<LiveEvent> events, CancellationToken ct)
    {
        var probed = outcome.StatusFor(check.DegradedAboveMs);
        db.HealthResults.Add(new HealthResult
        {
            CheckId = check.Id,
            At = now,
            Status = probed,
            LatencyMs = outcome.LatencyMs,
            Reason = Truncate(outcome.Reason),
        });

        check.ConsecutiveFailures = outcome.Success ? 0 : check.ConsecutiveFailures + 1;
        var next = outcome.Success ? probed
            : check.ConsecutiveFailures > check.Retries ? HealthStatus.Down
            : check.Status;
        var previous = check.Status;
        check.LastCheckedAt = now;
        check.LastLatencyMs = outcome.LatencyMs;
        check.LastReason = Truncate(outcome.Reason);
        if (check.LeaseOwner == claim.LeaseToken)
        {
            check.LeaseOwner = null;
            check.LeaseUntil = null;
        }
        // An edit while the probe ran already rescheduled the check; keep its schedule.
        if (check.UpdatedAt == claim.ConfigUpdatedAt)
        {
            check.NextDueAt = NextDue(claim.DueAt, check.IntervalSeconds, now);
        }
        if (next != previous)
        {
            check.Status = next;
            check.StatusSince = now;
            db.HealthStatusChanges.Add(new HealthStatusChange
            {
                CheckId = check.Id,
                At = now,
                From = previous,
                To = next,
                Reason = Truncate(outcome.Reason),
            });
            events.Add(new HealthStatusChanged(check.Id, check.Service?.Slug, check.Database?.Slug, previous, next));
        }
        if (check.ServiceId is { } serviceId)
        {
            var opened = await IncidentsService.ApplyHealthAsync(db, check, serviceId, previous, now, ct);
            if (opened is not null)
            {
                events.Add(opened);
            }
        }
    }

    /// <summary>
    /// The service and database behind the checks whose status may flip or that may open an incident (a failed probe,
    /// or a status other than the last one), in one query each: their slugs and names go into the live events and the
    /// incident title. Joining them for every result was work for nothing; the tracked checks pick them up by fix-up.
    /// </summary>
    private static async Task LoadOwnersAsync(AppDbContext db, IReadOnlyList<ProbeResult> results, Dictionary<int, HealthCheck> checks, CancellationToken ct)
    {
        var changing = results
            .Select(r => (Result: r, Check: checks.GetValueOrDefault(r.Claim.Probe.CheckId)))
            .Where(x => x.Check is not null && (!x.Result.Outcome.Success || x.Check.Status != x.Result.Outcome.StatusFor(x.Check.DegradedAboveMs)))
            .Select(x => x.Check!)
            .ToList();
        var serviceIds = changing.Where(c => c.ServiceId is not null).Select(c => c.ServiceId!.Value).Distinct().ToList();
        var databaseIds = changing.Where(c => c.DatabaseId is not null).Select(c => c.DatabaseId!.Value).Distinct().ToList();
        if (serviceIds.Count > 0)
        {
            await db.Services.Where(s => serviceIds.Contains(s.Id)).LoadAsync(ct);
        }
        if (databaseIds.Count > 0)
        {
            await db.Databases.Where(d => databaseIds.Contains(d.Id)).LoadAsync(ct);
        }
    }

    public static string? Truncate(string? s) => s is null ? null : s.Length > 300 ? s[..299] + "…" : s;

    /// <summary>
    /// Minute and hour buckets come from raw results (kept longer than an hour for this), day buckets
    /// from hour buckets. Each run covers the closed periods since its mark; re-running rewrites the
    /// same buckets, so it needs no lock.
    /// </summary>
    public async Task RollupAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Results are written when a probe ends, so a period is closed a little after its end.
        var closed = now - TimeSpan.FromSeconds(5);
        await RollupFromRawAsync(BucketResolution.Minute, closed, ct);
        await RollupFromRawAsync(BucketResolution.Hour, closed, ct);
        await RollupDaysAsync(closed, ct);
    }

    private async Task<DateTime> MarkAsync(AppDbContext db, BucketResolution resolution, DateTime fallback, CancellationToken ct)
    {
        var mark = await db.HealthRollupMarks.FindAsync([resolution], ct);
        return mark?.DoneUntil ?? BucketKey.Floor(resolution, fallback);
    }

    private static async Task SetMarkAsync(AppDbContext db, BucketResolution resolution, DateTime until, CancellationToken ct)
    {
        var mark = await db.HealthRollupMarks.FindAsync([resolution], ct);
        if (mark is null)
        {
            db.HealthRollupMarks.Add(new HealthRollupMark { Resolution = resolution, DoneUntil = until });
        }
        else if (until > mark.DoneUntil)
        {
            mark.DoneUntil = until;
        }
    }

    private async Task RollupFromRawAsync(BucketResolution resolution, DateTime closed, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var end = BucketKey.Floor(resolution, closed);
        var oldestKept = closed - options.Value.RawRetention;
        var from = await MarkAsync(db, resolution, oldestKept, ct);
        if (from < BucketKey.Floor(resolution, oldestKept))
        {
            from = BucketKey.Floor(resolution, oldestKept);
        }
        if (from >= end)
        {
            return;
        }
        var rows = await db.HealthResults.AsNoTracking()
            .Where(r => r.At >= from && r.At < end)
            .Select(r => new { r.CheckId, r.At, r.Status, r.LatencyMs })
            .ToListAsync(ct);
        var buckets = rows
            .GroupBy(r => BucketKey.Make(r.CheckId, resolution, r.At))
            .Select(g => BucketMath.FromSamples(g.Key, g.Select(r => new Sample(r.Status, r.LatencyMs)).ToList()))
            .ToList();
        await ReplaceBucketsAsync(db, buckets, ct);
        await SetMarkAsync(db, resolution, end, ct);
        await db.SaveChangesAsync(ct);
    }

    private async Task RollupDaysAsync(DateTime closed, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var end = BucketKey.Floor(BucketResolution.Day, closed);
        var hourMark = await MarkAsync(db, BucketResolution.Hour, closed, ct);
        if (hourMark < end)
        {
            end = BucketKey.Floor(BucketResolution.Day, hourMark);
        }
        var from = await MarkAsync(db, BucketResolution.Day, end - TimeSpan.FromDays(1), ct);
        if (from >= end)
        {
            return;
        }
        var (low, high) = (BucketKey.Make(0, BucketResolution.Hour, from), BucketKey.Make(0, BucketResolution.Hour, end));
        var modulus = BucketKey.PeriodModulus * 4;
        var hours = await db.HealthBuckets.AsNoTracking()
            .Where(b => b.Key % modulus >= low && b.Key % modulus < high)
            .ToListAsync(ct);
        var days = hours
            .GroupBy(b => BucketKey.Make(BucketKey.CheckId(b.Key), BucketResolution.Day, BucketKey.Start(b.Key)))
            .Select(g => BucketMath.Combine(g.Key, g.ToList()))
            .ToList();
        await ReplaceBucketsAsync(db, days, ct);
        await SetMarkAsync(db, BucketResolution.Day, end, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Writes buckets, replacing any with the same key (a rollup run again, or by a second instance).</summary>
    public static async Task ReplaceBucketsAsync(AppDbContext db, IReadOnlyList<HealthBucket> buckets, CancellationToken ct)
    {
        foreach (var chunk in buckets.Chunk(500))
        {
            var keys = chunk.Select(b => b.Key).ToList();
            await db.HealthBuckets.Where(b => keys.Contains(b.Key)).ExecuteDeleteAsync(ct);
        }
        db.HealthBuckets.AddRange(buckets);
    }

    /// <summary>Drops detail older than each level keeps (see HealthOptions), for every check including deleted ones.</summary>
    public async Task PruneAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var o = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Raw results feed the hour rollup, so they outlive an hour whatever the setting says.
        var raw = o.RawRetention < TimeSpan.FromMinutes(90) ? TimeSpan.FromMinutes(90) : o.RawRetention;
        await db.HealthResults.Where(r => r.At < now - raw).ExecuteDeleteAsync(ct);
        await db.HealthStatusChanges.Where(r => r.At < now - o.StatusChangeRetention).ExecuteDeleteAsync(ct);
        var modulus = BucketKey.PeriodModulus * 4;
        foreach (var (resolution, keep) in new[]
        {
            (BucketResolution.Minute, o.MinuteRetention),
            (BucketResolution.Hour, o.HourRetention),
            (BucketResolution.Day, o.DayRetention),
        })
        {
            var low = BucketKey.Make(0, resolution, BucketKey.Epoch);
            var high = BucketKey.Make(0, resolution, now - keep);
            await db.HealthBuckets.Where(b => b.Key % modulus >= low && b.Key % modulus < high).ExecuteDeleteAsync(ct);
        }
        logger.LogDebug("Pruned health history older than its retention at {Now}", now);
    }
}
