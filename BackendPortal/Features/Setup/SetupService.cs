using BackendPortal.Data;
using BackendPortal.Features.Tokens;
using BackendPortal.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Setup;

/// <summary>
/// The Jenkins pattern: while no user exists, each start prints a fresh one-time setup URL. The
/// token is the one secret that may reach the console; the database keeps only its hash.
/// </summary>
public sealed class SetupService(IDbContextFactory<AppDbContext> dbFactory, UserAccountService accounts, TimeProvider clock)
{
    public async Task<bool> IsSetupNeededAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return !await db.Users.AnyAsync(ct);
    }

    /// <summary>Issues a new setup token (voiding earlier ones) when no user exists; null otherwise.</summary>
    public async Task<string?> IssueTokenIfNeededAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(ct))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await db.SetupTokens.Where(t => t.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        var token = TokenFormat.RandomBase62(32);
        db.SetupTokens.Add(new SetupToken { Hash = TokenFormat.Hash(token), CreatedAt = now });
        await db.SaveChangesAsync(ct);
        return token;
    }

    public async Task<bool> IsTokenValidAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = TokenFormat.Hash(token);
        return await db.SetupTokens.AnyAsync(t => t.Hash == hash && t.UsedAt == null, ct) && !await db.Users.AnyAsync(ct);
    }

    public async Task<UserAccount> CreateFirstAdminAsync(string token, string email, string? name, string password, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = TokenFormat.Hash(token ?? "");
        var now = clock.GetUtcNow().UtcDateTime;
        // Claim the token first, atomically: of two racing requests only one gets a row back.
        var claimed = await db.SetupTokens.Where(t => t.Hash == hash && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        if (claimed == 0 || await db.Users.AnyAsync(ct))
        {
            throw new ForbiddenException("This setup link is no longer valid. An admin exists already, or the server was restarted and printed a new link.");
        }
        try
        {
            return await accounts.CreateAsync(email, name, [Roles.Admin], password, "setup", ct);
        }
        catch (ValidationFailedException)
        {
            // The form was wrong, not the token: give it back so the person can try again.
            await db.SetupTokens.Where(t => t.Hash == hash).ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, (DateTime?)null), ct);
            throw;
        }
    }
}
