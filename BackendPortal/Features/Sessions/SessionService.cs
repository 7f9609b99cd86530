using System.Security.Cryptography;
using BackendPortal.Data;
using BackendPortal.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Sessions;

public sealed record SessionSummary(string Id, string Device, string? Ip, DateTime CreatedAt, DateTime LastSeenAt, bool IsCurrent);

/// <summary>Browser sessions of a user: starting, checking, listing and ending them.</summary>
public sealed class SessionService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<SecurityOptions> options)
{
    private const int MaxUserAgentLength = 512;

    /// <summary>Records a new browser sign-in and returns its id (128 random bits).</summary>
    public async Task<string> StartAsync(string userId, string? ip, string? userAgent, CancellationToken ct = default)
    {
        var now = Now;
        var session = new UserSession
        {
            Id = RandomNumberGenerator.GetHexString(32, lowercase: true),
            UserId = userId,
            CreatedAt = now,
            LastSeenAt = now,
            Ip = ip?.Length > 64 ? ip[..64] : ip,
            UserAgent = userAgent?.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] : userAgent,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        // Every browser sign-in starts here, so this is where the admin list's "last sign-in" comes from.
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.LastSignInAt, now), ct);
        return session.Id;
    }

    /// <summary>
    /// True while the session is open, within the idle timeout and the absolute lifetime. A session
    /// found past either limit is ended here. <paramref name="touch"/> counts the call as activity.
    /// </summary>
    public async Task<bool> IsActiveAsync(string userId, string sessionId, bool touch, CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.UserSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.UserId == userId)
            .Select(s => new { s.CreatedAt, s.LastSeenAt, s.EndedAt })
            .FirstOrDefaultAsync(ct);
        if (row is null || row.EndedAt is not null)
        {
            return false;
        }
        var limits = options.Value;
        if (now - row.LastSeenAt > limits.IdleTimeout || now - row.CreatedAt > limits.AbsoluteSessionLifetime)
        {
            await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), ct);
            return false;
        }
        if (touch && now - row.LastSeenAt >= TouchInterval)
        {
            await TouchCoreAsync(db, sessionId, now, ct);
        }
        return true;
    }

    /// <summary>Marks the session as used now (activity in an interactive circuit).</summary>
    public async Task TouchAsync(string sessionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await TouchCoreAsync(db, sessionId, Now, ct);
    }

    /// <summary>
    /// How stale LastSeenAt may get: writing on every request would cost a write per page, and a
    /// minute is nothing against a 30-minute idle timeout (short test timeouts get a shorter step).
    /// </summary>
    public TimeSpan TouchInterval => TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, options.Value.IdleTimeout.Ticks / 4));

    /// <summary>The user's open sessions, most recently used first.</summary>
    public async Task<IReadOnlyList<SessionSummary>> ListAsync(string userId, string? currentSessionId, CancellationToken ct = default)
    {
        var now = Now;
        var limits = options.Value;
        var idleSince = now - limits.IdleTimeout;
        var bornSince = now - limits.AbsoluteSessionLifetime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.UserSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.EndedAt == null && s.LastSeenAt >= idleSince && s.CreatedAt >= bornSince)
            .OrderByDescending(s => s.LastSeenAt)
            .ToListAsync(ct);
        return [.. rows.Select(s => new SessionSummary(s.Id, UserAgents.Describe(s.UserAgent), s.Ip, s.CreatedAt, s.LastSeenAt, s.Id == currentSessionId))];
    }

    /// <summary>Ends one open session of the user; false when there is no such open session.</summary>
    public async Task<bool> EndAsync(string userId, string sessionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now;
        return await db.UserSessions
            .Where(s => s.Id == sessionId && s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), ct) > 0;
    }

    /// <summary>Ends every open session of the user except <paramref name="exceptSessionId"/>; returns how many.</summary>
    public async Task<int> EndAllAsync(string userId, string? exceptSessionId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.UserSessions
            .Where(s => s.UserId == userId && s.EndedAt == null && s.Id != exceptSessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), ct);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    // Only a session still within its limits is refreshed: activity cannot revive an expired one.
    private Task<int> TouchCoreAsync(AppDbContext db, string sessionId, DateTime now, CancellationToken ct)
    {
        var idleSince = now - options.Value.IdleTimeout;
        var bornSince = now - options.Value.AbsoluteSessionLifetime;
        return db.UserSessions
            .Where(s => s.Id == sessionId && s.EndedAt == null && s.LastSeenAt >= idleSince && s.CreatedAt >= bornSince)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
    }
}
