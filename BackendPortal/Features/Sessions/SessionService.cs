using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Sessions;

/// <summary>Browser sessions of a user: listing them and ending them.</summary>
public sealed class SessionService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Ends every open session of the user except <paramref name="exceptSessionId"/>; returns how many.</summary>
    public async Task<int> EndAllAsync(string userId, string? exceptSessionId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.UserSessions
            .Where(s => s.UserId == userId && s.EndedAt == null && s.Id != exceptSessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), ct);
    }
}
