using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Overview;

public sealed record OverviewCounts(int Users, int DisabledUsers, int ActiveSessions, int ActiveTokens, int ExpiredTokens, int RevokedTokens, int FailedSignIns24h, int AccessDenied24h);

public sealed record OverviewEvent(DateTime At, string ActorName, string? Ip, string? Summary);

/// <summary>Per-day counts, oldest day first; <see cref="Days"/> are UTC dates.</summary>
public sealed record OverviewSeries(IReadOnlyList<DateOnly> Days, IReadOnlyList<int> SignInsSucceeded, IReadOnlyList<int> SignInsFailed, IReadOnlyList<int> AccessDenied);

public sealed record OverviewData(OverviewCounts Counts, IReadOnlyList<OverviewEvent> RecentFailedSignIns, IReadOnlyList<OverviewEvent> RecentAccessDenied, OverviewSeries Last30Days);

/// <summary>The admin's overview: how many people, sessions and tokens, and what went wrong lately.</summary>
public sealed class OverviewService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<SecurityOptions> security)
{
    public const int Days = 30;

    public async Task<OverviewData> GetAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            throw new ForbiddenException("Only admins see the overview.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var idleSince = now - security.Value.IdleTimeout;
        var dayAgo = now.AddDays(-1);
        var firstDay = DateOnly.FromDateTime(now).AddDays(-(Days - 1));
        var since = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var counts = new OverviewCounts(
            Users: await db.Users.CountAsync(ct),
            DisabledUsers: await db.Users.CountAsync(u => u.IsDisabled, ct),
            ActiveSessions: await db.UserSessions.CountAsync(s => s.EndedAt == null && s.LastSeenAt >= idleSince, ct),
            ActiveTokens: await db.ApiTokens.CountAsync(t => t.RevokedAt == null && t.ExpiresAt > now, ct),
            ExpiredTokens: await db.ApiTokens.CountAsync(t => t.RevokedAt == null && t.ExpiresAt <= now, ct),
            RevokedTokens: await db.ApiTokens.CountAsync(t => t.RevokedAt != null, ct),
            FailedSignIns24h: await db.AuditEntries.CountAsync(e => e.Action == AuditActions.SignInFailed && e.At >= dayAgo, ct),
            AccessDenied24h: await db.AuditEntries.CountAsync(e => e.Action == AuditActions.AccessDenied && e.At >= dayAgo, ct));

        var failed = await RecentAsync(db, AuditActions.SignInFailed, ct);
        var denied = await RecentAsync(db, AuditActions.AccessDenied, ct);

        string[] charted = [AuditActions.SignInSucceeded, AuditActions.SignInFailed, AuditActions.AccessDenied];
        // Grouped here rather than in SQL: day arithmetic on dates differs between SQLite and SQL Server.
        var events = await db.AuditEntries.AsNoTracking()
            .Where(e => e.At >= since && charted.Contains(e.Action))
            .Select(e => new { e.At, e.Action })
            .ToListAsync(ct);
        var days = Enumerable.Range(0, Days).Select(firstDay.AddDays).ToList();
        int[] Series(string action)
        {
            var perDay = events.Where(e => e.Action == action).GroupBy(e => DateOnly.FromDateTime(e.At)).ToDictionary(g => g.Key, g => g.Count());
            return [.. days.Select(d => perDay.GetValueOrDefault(d))];
        }
        var series = new OverviewSeries(days, Series(AuditActions.SignInSucceeded), Series(AuditActions.SignInFailed), Series(AuditActions.AccessDenied));
        return new OverviewData(counts, failed, denied, series);
    }

    private static async Task<List<OverviewEvent>> RecentAsync(AppDbContext db, string action, CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == action)
            .OrderByDescending(e => e.Id)
            .Take(10)
            .Select(e => new OverviewEvent(e.At, e.ActorName, e.Ip, e.Summary))
            .ToListAsync(ct);
}
