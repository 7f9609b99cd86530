using System.Security.Claims;
using BackendPortal.Data;
using BackendPortal.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Tokens;

public sealed record CreatedToken(int Id, string Token, string Name, IReadOnlyList<string> Scopes, DateTime ExpiresAt);

public sealed record TokenSummary(int Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt, DateTime? LastUsedAt);

public sealed class TokenService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxExpiryDays = 365;

    public async Task<CreatedToken> CreateAsync(string userId, string name, IEnumerable<string> scopes, int expiresInDays, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var cleanName = Validate.Required(errors, "name", name, 100);
        var scopeList = scopes.Select(s => s.Trim().ToLowerInvariant()).Where(s => s.Length > 0).Distinct().ToList();
        if (scopeList.Count == 0)
        {
            errors.Add("scopes", $"Give at least one scope: {string.Join(", ", TokenScopes.All)}.");
        }
        foreach (var bad in scopeList.Except(TokenScopes.All))
        {
            errors.Add("scopes", $"'{bad}' is not a scope; use {string.Join(", ", TokenScopes.All)}.");
        }
        if (expiresInDays is < 1 or > MaxExpiryDays)
        {
            errors.Add("expiresDays", $"A token expires after 1 to {MaxExpiryDays} days.");
        }
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
        {
            throw new NotFoundException("User");
        }
        var token = TokenFormat.NewToken();
        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new ApiToken
        {
            UserId = userId,
            Name = cleanName!,
            Prefix = TokenFormat.Prefix(token),
            Hash = TokenFormat.Hash(token),
            Scopes = string.Join(",", TokenScopes.All.Where(scopeList.Contains)),
            CreatedAt = now,
            ExpiresAt = now.AddDays(expiresInDays),
        };
        db.ApiTokens.Add(entity);
        await db.SaveChangesAsync(ct);
        return new CreatedToken(entity.Id, token, entity.Name, entity.ScopeList, entity.ExpiresAt);
    }

    public async Task<IReadOnlyList<TokenSummary>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return [.. rows.Select(t => new TokenSummary(t.Id, t.Name, t.Prefix, t.ScopeList, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt))];
    }

    public async Task RevokeAsync(string userId, int tokenId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct)
            ?? throw new NotFoundException("Token");
        token.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Resolves a bearer token to its user's principal, narrowed by the token's scopes; null when
    /// the token is malformed, unknown, expired, revoked, or its user can no longer sign in.
    /// </summary>
    public async Task<ClaimsPrincipal?> AuthenticateAsync(string token, IUserClaimsPrincipalFactory<ApplicationUser> principals, string scheme, CancellationToken ct = default)
    {
        if (!TokenFormat.IsWellFormed(token))
        {
            return null;
        }
        var hash = TokenFormat.Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Hash == hash, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (row is null || row.RevokedAt is not null || row.ExpiresAt <= now)
        {
            return null;
        }
        if (row.User.LockoutEnd is { } lockoutEnd && lockoutEnd > clock.GetUtcNow())
        {
            return null;
        }
        // Recording every use would write on every request; once a minute is enough to answer "is it used?".
        if (row.LastUsedAt is null || now - row.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        var principal = await principals.CreateAsync(row.User);
        var identity = new ClaimsIdentity(principal.Claims, scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(Actor.TokenIdClaim, row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var scope in row.ScopeList)
        {
            identity.AddClaim(new Claim(Actor.ScopeClaim, scope));
        }
        return new ClaimsPrincipal(identity);
    }
}
