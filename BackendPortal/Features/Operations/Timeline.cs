using System.Globalization;
using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Operations;

/// <summary>One thing that happened to a service. Kind is a short code ("deployment", "health", "incident", ...).</summary>
public sealed record TimelineItem(DateTime At, string Kind, string Title, string? Detail, string? Link, string Key, string? Severity = null);

/// <summary>What a source is asked for: one service, a time range [Since, Until), newest first, at most Limit items.</summary>
public sealed record TimelineQuery(int ServiceId, string ServiceSlug, DateTime Since, DateTime Until, int Limit, IReadOnlySet<string>? Kinds)
{
    public bool Wants(string kind) => Kinds is null || Kinds.Contains(kind);
}

/// <summary>
/// Any module adds its events to the service timeline by registering one of these
/// (<c>services.AddScoped&lt;ITimelineSource, MySource&gt;()</c>). Return items newest first.
/// </summary>
public interface ITimelineSource
{
    IReadOnlyList<string> Kinds { get; }

    Task<IReadOnlyList<TimelineItem>> GetAsync(AppDbContext db, TimelineQuery query, CancellationToken ct);

    /// <summary>How many items the source has in the query's whole range (Limit is ignored): the page's total.</summary>
    Task<int> CountAsync(AppDbContext db, TimelineQuery query, CancellationToken ct);
}

public sealed class TimelineService(IDbContextFactory<AppDbContext> dbFactory, IEnumerable<ITimelineSource> sources, TimeProvider clock)
{
    public IReadOnlyList<string> Kinds => sources.SelectMany(s => s.Kinds).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Slug keys of the databases and APIs the service uses: their events belong on its timeline too.</summary>
    public async Task<(IReadOnlySet<string> Databases, IReadOnlySet<string> Apis)> RelatedAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var databases = await db.ServiceDatabases.Where(l => l.Service.SlugKey == key).Select(l => l.Database.SlugKey).ToListAsync(ct);
        var apis = await db.ServiceApis.Where(l => l.Service.SlugKey == key).Select(l => l.Api.SlugKey).Distinct().ToListAsync(ct);
        return (databases.ToHashSet(StringComparer.Ordinal), apis.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Newest first. The cursor carries the last item's time and key, so pages neither repeat nor skip.
    /// Total counts every item of the wanted kinds in [since, until), whatever page the cursor is on.
    /// </summary>
    public async Task<Page<TimelineItem>> GetAsync(string slug, IReadOnlyCollection<string>? kinds, DateTime? since, DateTime? until, PageRequest page, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var known = Kinds;
        var wanted = kinds?.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim().ToLowerInvariant()).ToHashSet();
        if (wanted is { Count: > 0 } && wanted.Except(known).ToList() is { Count: > 0 } unknown)
        {
            errors.Add("kind", $"Unknown kind {string.Join(", ", unknown)}; known kinds: {string.Join(", ", known)}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var to = until ?? now.AddYears(1);
        var from = since ?? DateTime.MinValue;
        if (from >= to)
        {
            errors.Add("since", "since must be before until.");
        }
        DateTime? cursorAt = null;
        string? cursorKey = null;
        if (page.After is { } after)
        {
            var parts = after.Split('|', 2);
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            {
                cursorAt = new DateTime(ticks, DateTimeKind.Utc);
                cursorKey = parts[1];
            }
            else
            {
                errors.Add("cursor", "cursor is not one this server issued.");
            }
        }
        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var service = await db.Services.Where(s => s.SlugKey == key).Select(s => new { s.Id, s.Slug }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{slug}'");
        var whole = new TimelineQuery(service.Id, service.Slug, from, to, page.Limit + 1, wanted is { Count: > 0 } ? wanted : null);
        if (cursorAt is { } c && c.AddTicks(1) < to)
        {
            to = c.AddTicks(1);
        }
        var query = whole with { Until = to };
        var merged = new List<TimelineItem>();
        var total = 0;
        foreach (var source in sources.Where(s => s.Kinds.Any(query.Wants)))
        {
            merged.AddRange(await source.GetAsync(db, query, ct));
            total += await source.CountAsync(db, whole, ct);
        }
        var ordered = merged
            .Where(i => query.Wants(i.Kind))
            .Where(i => cursorAt is null || i.At < cursorAt || (i.At == cursorAt && string.CompareOrdinal(i.Key, cursorKey) < 0))
            .OrderByDescending(i => i.At).ThenByDescending(i => i.Key, StringComparer.Ordinal)
            .Take(page.Limit + 1)
            .ToList();
        var items = ordered.Take(page.Limit).ToList();
        var next = ordered.Count > page.Limit
            ? PageRequest.EncodeCursor(items[^1].At.Ticks.ToString(CultureInfo.InvariantCulture) + "|" + items[^1].Key)
            : null;
        return new Page<TimelineItem>(items, next, total);
    }
}

public sealed class DeploymentTimelineSource : ITimelineSource
{
    public IReadOnlyList<string> Kinds { get; } = ["deployment"];

    public async Task<IReadOnlyList<TimelineItem>> GetAsync(AppDbContext db, TimelineQuery q, CancellationToken ct)
    {
        var rows = await Rows(db, q).OrderByDescending(d => d.At).Take(q.Limit).ToListAsync(ct);
        return rows.Select(d => new TimelineItem(d.At, "deployment", $"Deployed {d.Version} to {d.Environment}",
            d.Commit is null ? $"by {d.RecordedBy}" : $"commit {d.Commit} · by {d.RecordedBy}", null, "d" + d.Id.ToString("D12", CultureInfo.InvariantCulture))).ToList();
    }

    public Task<int> CountAsync(AppDbContext db, TimelineQuery q, CancellationToken ct) => Rows(db, q).CountAsync(ct);

    private static IQueryable<Deployment> Rows(AppDbContext db, TimelineQuery q) =>
        db.Deployments.AsNoTracking().Where(d => d.ServiceId == q.ServiceId && d.At >= q.Since && d.At < q.Until);
}

public sealed class HealthTimelineSource : ITimelineSource
{
    public IReadOnlyList<string> Kinds { get; } = ["health"];

    public async Task<IReadOnlyList<TimelineItem>> GetAsync(AppDbContext db, TimelineQuery q, CancellationToken ct)
    {
        var rows = await Rows(db, q).OrderByDescending(r => r.At).Take(q.Limit).ToListAsync(ct);
        return rows.Select(r => new TimelineItem(r.At, "health",
            $"Health {r.From.ToString().ToLowerInvariant()} → {r.To.ToString().ToLowerInvariant()}", r.Reason, "/status",
            "h" + r.Id.ToString("D12", CultureInfo.InvariantCulture), r.To.ToString().ToLowerInvariant())).ToList();
    }

    public Task<int> CountAsync(AppDbContext db, TimelineQuery q, CancellationToken ct) => Rows(db, q).CountAsync(ct);

    private static IQueryable<HealthStatusChange> Rows(AppDbContext db, TimelineQuery q) =>
        db.HealthStatusChanges.AsNoTracking()
            .Where(r => db.HealthChecks.Any(c => c.Id == r.CheckId && c.ServiceId == q.ServiceId) && r.At >= q.Since && r.At < q.Until);
}

public sealed class IncidentTimelineSource : ITimelineSource
{
    public IReadOnlyList<string> Kinds { get; } = ["incident"];

    public async Task<IReadOnlyList<TimelineItem>> GetAsync(AppDbContext db, TimelineQuery q, CancellationToken ct)
    {
        var rows = await Rows(db, q)
            .OrderByDescending(e => e.At).Take(q.Limit)
            .Select(e => new { e.Id, e.At, e.Kind, e.Text, e.Author, e.IncidentId, e.Incident.Title, e.Incident.Severity })
            .ToListAsync(ct);
        return rows.Select(e => new TimelineItem(e.At, "incident", $"#{e.IncidentId} {e.Title}: {e.Text}", $"{e.Kind.ToString().ToLowerInvariant()} by {e.Author}",
            $"/incidents/{e.IncidentId}", "i" + e.Id.ToString("D12", CultureInfo.InvariantCulture), e.Severity.ToString())).ToList();
    }

    public Task<int> CountAsync(AppDbContext db, TimelineQuery q, CancellationToken ct) => Rows(db, q).CountAsync(ct);

    private static IQueryable<IncidentEntry> Rows(AppDbContext db, TimelineQuery q) =>
        db.IncidentEntries.AsNoTracking().Where(e => e.Incident.Services.Any(s => s.ServiceId == q.ServiceId) && e.At >= q.Since && e.At < q.Until);
}
