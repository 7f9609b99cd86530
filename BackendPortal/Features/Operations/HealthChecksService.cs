using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Operations;

/// <summary>Health check definitions and what they found, for the pages and the API.</summary>
public sealed partial class HealthChecksService(
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    IOptions<HealthOptions> options,
    AuditService audit,
    HeaderProtector headerProtector)
{
    public const int MaxTimeoutSeconds = 120;
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "OPTIONS"];

    private sealed record TargetRow(int Id, string Slug, string Name, int OwnerTeamId);

    private static async Task<TargetRow> FindTargetAsync(AppDbContext db, HealthTarget target, string slug, CancellationToken ct)
    {
        var key = Slug.Key(slug);
        var row = target == HealthTarget.Service
            ? await db.Services.Where(s => s.SlugKey == key).Select(s => new TargetRow(s.Id, s.Slug, s.Name, s.OwnerTeamId)).FirstOrDefaultAsync(ct)
            : await db.Databases.Where(s => s.SlugKey == key).Select(s => new TargetRow(s.Id, s.Slug, s.Name, s.OwnerTeamId)).FirstOrDefaultAsync(ct);
        return row ?? throw new NotFoundException($"{target} '{slug}'");
    }

    private static IQueryable<HealthCheck> ChecksOf(AppDbContext db, HealthTarget target, int id) =>
        target == HealthTarget.Service ? db.HealthChecks.Where(c => c.ServiceId == id) : db.HealthChecks.Where(c => c.DatabaseId == id);

    public async Task<bool> CanEditAsync(Actor actor, HealthTarget target, string slug, CancellationToken ct = default)
    {
        if (!actor.CanWriteCatalog)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await FindTargetAsync(db, target, slug, ct);
        return await CatalogAccess.CanEditForTeamAsync(db, actor, row.OwnerTeamId, ct);
    }

    public async Task<HealthCheckDetails?> GetAsync(HealthTarget target, string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await FindTargetAsync(db, target, slug, ct);
        var check = await ChecksOf(db, target, row.Id).AsNoTracking().FirstOrDefaultAsync(ct);
        return check is null ? null : ToDetails(target, row.Slug, check);
    }

    private static HealthCheckDetails ToDetails(HealthTarget target, string slug, HealthCheck c) => new(
        target.ToString().ToLowerInvariant(), slug, c.Url, c.Method, c.IntervalSeconds, c.TimeoutSeconds, c.ExpectedStatus, c.Keyword, c.JsonPath, c.JsonValue,
        HeaderProtector.ReadStored(c.HeadersJson).Keys.Order(StringComparer.OrdinalIgnoreCase).ToList(),
        c.Retries, c.DegradedAboveMs, c.AutoIncidentAfterSeconds, c.Enabled, c.UpdatedAt, c.UpdatedBy, c.NextDueAt);

    public async Task<HealthCheckDetails> SaveAsync(Actor actor, HealthTarget target, string slug, HealthCheckInput input, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await FindTargetAsync(db, target, slug, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, row.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only engineers of the team that owns '{row.Slug}' (and admins) can change its health check.");
        }
        var check = await ChecksOf(db, target, row.Id).FirstOrDefaultAsync(ct);
        var isNew = check is null;
        check ??= new HealthCheck { ServiceId = target == HealthTarget.Service ? row.Id : null, DatabaseId = target == HealthTarget.Database ? row.Id : null };
        Apply(check, input, options.Value, headerProtector);
        var now = clock.GetUtcNow().UtcDateTime;
        if (isNew)
        {
            check.CreatedAt = now;
            db.HealthChecks.Add(check);
        }
        check.UpdatedAt = now;
        check.UpdatedBy = actor.Name;
        check.ConsecutiveFailures = 0;
        // A random phase within the interval spreads many checks over time; a changed check is probed within one interval.
        check.NextDueAt = now + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(check.IntervalSeconds, 60) * 1000);
        audit.AddDataChange(db, actor, isNew ? AuditActions.EntityCreated : AuditActions.EntityUpdated, "health-check", $"{target.ToString().ToLowerInvariant()}/{row.Slug}",
            $"{(isNew ? "Created" : "Changed")} the health check of {target.ToString().ToLowerInvariant()} '{row.Slug}'", null, new { check.Url, check.IntervalSeconds, check.TimeoutSeconds });
        await db.SaveChangesAsync(ct);
        return ToDetails(target, row.Slug, check);
    }

    public async Task DeleteAsync(Actor actor, HealthTarget target, string slug, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await FindTargetAsync(db, target, slug, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, row.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only engineers of the team that owns '{row.Slug}' (and admins) can change its health check.");
        }
        var check = await ChecksOf(db, target, row.Id).FirstOrDefaultAsync(ct) ?? throw new NotFoundException($"The health check of '{row.Slug}'");
        db.HealthChecks.Remove(check);
        audit.AddDataChange(db, actor, AuditActions.EntityDeleted, "health-check", $"{target.ToString().ToLowerInvariant()}/{row.Slug}", $"Deleted the health check of '{row.Slug}'", null, null);
        await db.SaveChangesAsync(ct);
    }

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")]
    private static partial Regex HeaderName();

    private static void Apply(HealthCheck check, HealthCheckInput input, HealthOptions o, HeaderProtector protector)
    {
        var errors = new ValidationErrors();
        var url = Validate.HttpUrl(errors, "url", input.Url);
        if (url is null && !errors.Any)
        {
            errors.Add("url", "url is required: an absolute http:// or https:// URL to probe.");
        }
        var method = (input.Method ?? "GET").Trim().ToUpperInvariant();
        if (!Methods.Contains(method))
        {
            errors.Add("method", $"method must be one of {string.Join(", ", Methods)}.");
        }
        var interval = input.IntervalSeconds ?? Math.Max(60, o.MinIntervalSeconds);
        if (interval < o.MinIntervalSeconds || interval > o.MaxIntervalSeconds)
        {
            errors.Add("intervalSeconds", $"intervalSeconds must be between {o.MinIntervalSeconds} and {o.MaxIntervalSeconds}.");
        }
        var timeout = input.TimeoutSeconds ?? Math.Min(10, interval);
        var maxTimeout = Math.Min(interval, MaxTimeoutSeconds);
        if (timeout < 1 || timeout > maxTimeout)
        {
            errors.Add("timeoutSeconds", $"timeoutSeconds must be between 1 and {maxTimeout} (at most the interval and at most {MaxTimeoutSeconds}).");
        }
        var expected = (input.ExpectedStatus ?? []).Distinct().ToList();
        if (expected.Any(s => s is < 100 or > 599) || expected.Count > 20)
        {
            errors.Add("expectedStatus", "expectedStatus holds up to 20 HTTP status codes between 100 and 599 (empty means any 2xx).");
        }
        var keyword = Validate.Optional(errors, "keyword", input.Keyword, 200);
        var jsonPath = Validate.Optional(errors, "jsonPath", input.JsonPath, 200);
        if (jsonPath is not null && !JsonPathMatcher.IsValid(jsonPath))
        {
            errors.Add("jsonPath", "jsonPath must look like $.status or $.checks[0].state (dots, [index] or ['name']).");
        }
        var jsonValue = input.JsonValue is null ? null : Validate.Optional(errors, "jsonValue", input.JsonValue, 200);
        if (jsonValue is not null && jsonPath is null)
        {
            errors.Add("jsonValue", "jsonValue needs a jsonPath to compare against.");
        }
        var retries = input.Retries ?? 0;
        if (retries is < 0 or > 10)
        {
            errors.Add("retries", "retries must be between 0 and 10.");
        }
        if (input.DegradedAboveMs is { } degraded && (degraded < 1 || degraded > timeout * 1000))
        {
            errors.Add("degradedAboveMs", $"degradedAboveMs must be between 1 and the timeout ({timeout * 1000} ms).");
        }
        if (input.AutoIncidentAfterSeconds is { } after && (after < 0 || after > 7 * 86400))
        {
            errors.Add("autoIncidentAfterSeconds", "autoIncidentAfterSeconds must be between 0 and 604800 (a week); omit it for no automatic incidents.");
        }
        var headers = HeaderProtector.ReadStored(check.HeadersJson);
        if (input.Headers is { } given)
        {
            var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in given)
            {
                if (!HeaderName().IsMatch(name))
                {
                    errors.Add("headers", $"'{(name.Length > 40 ? name[..40] : name)}' is not a valid header name.");
                    continue;
                }
                var stored = headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
                if (value is null)
                {
                    if (stored is null)
                    {
                        errors.Add("headers", $"Header '{name}' has no value (null keeps a stored value, and there is none).");
                    }
                    else
                    {
                        merged[name] = stored;
                    }
                    continue;
                }
                if (value.Length > 2000 || value.Contains('\r') || value.Contains('\n'))
                {
                    errors.Add("headers", $"Header '{name}' must be one line of at most 2000 characters.");
                    continue;
                }
                merged[name] = protector.Protect(value);
            }
            if (merged.Count > 20)
            {
                errors.Add("headers", "A check may send at most 20 headers.");
            }
            headers = merged;
        }
        errors.ThrowIfAny();
        check.Url = url!;
        check.Method = method;
        check.IntervalSeconds = interval;
        check.TimeoutSeconds = timeout;
        check.ExpectedStatus = expected;
        check.Keyword = keyword;
        check.JsonPath = jsonPath;
        check.JsonValue = jsonValue;
        check.HeadersJson = protector.ProtectAll(headers);
        check.Retries = retries;
        check.DegradedAboveMs = input.DegradedAboveMs;
        check.AutoIncidentAfterSeconds = input.AutoIncidentAfterSeconds;
        check.Enabled = input.Enabled ?? true;
    }

    public async Task<HealthSummary> SummaryAsync(HealthTarget target, string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await FindTargetAsync(db, target, slug, ct);
        var check = await ChecksOf(db, target, row.Id).AsNoTracking().FirstOrDefaultAsync(ct);
        if (check is null)
        {
            return new HealthSummary("unknown", null, null, null, null, null, null, null, null, false);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var history = await HistoryAsync(db, check.Id, now - TimeSpan.FromDays(30), now, ct);
        var day = Window(history, now - TimeSpan.FromDays(1));
        return new HealthSummary(
            check.Status.ToString().ToLowerInvariant(),
            check.LastCheckedAt,
            check.LastLatencyMs,
            Uptime(day),
            Uptime(Window(history, now - TimeSpan.FromDays(7))),
            Uptime(history),
            day.Any(b => b.LatencyCount > 0) ? BucketMath.WeightedP95(day) : null,
            check.LastReason,
            check.StatusSince,
            true);
    }

    private static List<HealthBucket> Window(List<HealthBucket> history, DateTime from) =>
        history.Where(b => BucketKey.Start(b.Key) >= BucketKey.Floor(BucketResolution.Hour, from)).ToList();

    private static double? Uptime(IReadOnlyCollection<HealthBucket> buckets)
    {
        var total = buckets.Sum(b => b.Total);
        return total == 0 ? null : Math.Round(100.0 * buckets.Sum(b => b.Up + b.Degraded) / total, 3);
    }

    /// <summary>
    /// The check's history from <paramref name="from"/>: hour buckets up to the hour rollup's mark,
    /// then minute buckets, then raw results not rolled up yet (each as a bucket of its own).
    /// </summary>
    private static async Task<List<HealthBucket>> HistoryAsync(AppDbContext db, int checkId, DateTime from, DateTime now, CancellationToken ct)
    {
        var marks = await db.HealthRollupMarks.AsNoTracking().ToDictionaryAsync(m => m.Resolution, m => m.DoneUntil, ct);
        var hourMark = marks.GetValueOrDefault(BucketResolution.Hour, BucketKey.Floor(BucketResolution.Hour, from));
        var minuteMark = marks.GetValueOrDefault(BucketResolution.Minute, hourMark);
        if (minuteMark < hourMark)
        {
            minuteMark = hourMark;
        }
        var (h0, h1) = BucketKey.Range(checkId, BucketResolution.Hour, BucketKey.Floor(BucketResolution.Hour, from), hourMark);
        var (m0, m1) = BucketKey.Range(checkId, BucketResolution.Minute, hourMark, minuteMark);
        var buckets = await db.HealthBuckets.AsNoTracking()
            .Where(b => (b.Key >= h0 && b.Key < h1) || (b.Key >= m0 && b.Key < m1))
            .ToListAsync(ct);
        var raw = await db.HealthResults.AsNoTracking()
            .Where(r => r.CheckId == checkId && r.At >= minuteMark && r.At <= now)
            .Select(r => new { r.At, r.Status, r.LatencyMs })
            .ToListAsync(ct);
        buckets.AddRange(raw.Select(r => BucketMath.FromSamples(BucketKey.Make(checkId, BucketResolution.Minute, r.At), [new Sample(r.Status, r.LatencyMs)])));
        return buckets;
    }

    public async Task<StatusCounts> CountsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.HealthChecks.GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(HealthStatus s) => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0;
        return new StatusCounts(Of(HealthStatus.Up), Of(HealthStatus.Degraded), Of(HealthStatus.Down), Of(HealthStatus.Unknown));
    }

    /// <summary>Worst first (down, degraded, unknown, up), then by name; one screen at a time.</summary>
    public async Task<GridPage<StatusBoardRow>> BoardAsync(string? text, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.HealthChecks.AsNoTracking().Select(c => new
        {
            c.Id,
            Target = c.ServiceId != null ? "service" : "database",
            Slug = c.ServiceId != null ? c.Service!.Slug : c.Database!.Slug,
            Name = c.ServiceId != null ? c.Service!.Name : c.Database!.Name,
            c.Status,
            c.StatusSince,
            c.LastCheckedAt,
            c.LastLatencyMs,
            c.LastReason,
            Rank = c.Status == HealthStatus.Down ? 0 : c.Status == HealthStatus.Degraded ? 1 : c.Status == HealthStatus.Unknown ? 2 : 3,
        });
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = Validate.LikePattern(text.Trim());
            query = query.Where(c => EF.Functions.Like(c.Name, pattern, "\\") || EF.Functions.Like(c.Slug, pattern, "\\"));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(c => c.Rank).ThenBy(c => c.Name).ThenBy(c => c.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit)).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var result = new List<StatusBoardRow>(rows.Count);
        foreach (var c in rows)
        {
            var history = await HistoryAsync(db, c.Id, now - TimeSpan.FromDays(1), now, ct);
            var spark = Enumerable.Range(0, 24)
                .Select(h => BucketKey.Floor(BucketResolution.Hour, now) - TimeSpan.FromHours(23 - h))
                .Select(start =>
                {
                    var inHour = history.Where(b => BucketKey.Start(b.Key) >= start && BucketKey.Start(b.Key) < start + TimeSpan.FromHours(1)).ToList();
                    var count = inHour.Sum(b => b.LatencyCount);
                    return count == 0 ? (int?)null : (int)(inHour.Sum(b => b.LatencySumMs) / count);
                })
                .ToList();
            result.Add(new StatusBoardRow(c.Target, c.Slug, c.Name, c.Status, c.StatusSince, c.LastCheckedAt, c.LastLatencyMs, c.LastReason,
                Uptime(history), history.Any(b => b.LatencyCount > 0) ? BucketMath.WeightedP95(history) : null, spark));
        }
        return new GridPage<StatusBoardRow>(result, total);
    }

    public async Task<IReadOnlyList<HealthResultDetails>> RecentResultsAsync(HealthTarget target, string slug, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await FindTargetAsync(db, target, slug, ct);
        var checkId = await ChecksOf(db, target, row.Id).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
        if (checkId is null)
        {
            return [];
        }
        var rows = await db.HealthResults.AsNoTracking().Where(r => r.CheckId == checkId).OrderByDescending(r => r.At).Take(take).ToListAsync(ct);
        return rows.Select(r => new HealthResultDetails(r.At, r.Status.ToString().ToLowerInvariant(), r.LatencyMs, r.Reason)).ToList();
    }
}
