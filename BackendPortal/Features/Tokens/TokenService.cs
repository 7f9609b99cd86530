using System.Security.Claims;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Tokens;

public sealed record CreatedToken(int Id, string Token, string Name, IReadOnlyList<string> Scopes, DateTime ExpiresAt);

public sealed record TokenSummary(int Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt, DateTime? LastUsedAt)
{
    public string DisplayPrefix => $"bp_{Prefix}…";

    /// <summary>"revoked", "expired" or "active" at <paramref name="now"/> (UTC).</summary>
    public string StatusAt(DateTime now) => RevokedAt is not null ? "revoked" : ExpiresAt <= now ? "expired" : "active";
}

/// <summary>A token in the admin view: whose it is.</summary>
public sealed record OwnedTokenSummary(TokenSummary Token, string UserId, string OwnerEmail);

public sealed class TokenService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    public const int MaxExpiryDays = 365;

    /// <summary>Creates a token for <paramref name="userId"/>; <paramref name="createdBy"/> names whoever else made it (the CLI), else the owner did.</summary>
    public async Task<CreatedToken> CreateAsync(string userId, string name, IEnumerable<string> scopes, int expiresInDays, CancellationToken ct = default, string? createdBy = null)
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
        var owner = await db.Users.Where(u => u.Id == userId).Select(u => new { u.Email }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("User");
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
        // The entry names the token by id, which exists only after the insert: one transaction holds both.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.ApiTokens.Add(entity);
        await db.SaveChangesAsync(ct);
        var ownerName = owner.Email ?? userId;
        audit.Add(db, AuditActions.TokenCreated, createdBy is null ? userId : null, createdBy ?? ownerName,
            $"Created token '{entity.Name}' (bp_{entity.Prefix}…, scopes {entity.Scopes}, expires {entity.ExpiresAt:yyyy-MM-dd})"
                + (createdBy is null ? "" : $" for {ownerName}"),
            "token", Key(entity));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
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
        var token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct)
            ?? throw new NotFoundException("Token");
        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow().UtcDateTime;
            audit.Add(db, AuditActions.TokenRevoked, userId, token.User.Email ?? userId, $"Revoked token '{token.Name}' (bp_{token.Prefix}…)", "token", Key(token));
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Everyone's tokens for admins, newest first; <paramref name="owner"/> filters by e-mail (part of it).</summary>
    public async Task<IReadOnlyList<OwnedTokenSummary>> ListAllAsync(Actor actor, string? owner = null, int take = 500, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            throw new ForbiddenException("Only admins see everyone's tokens.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ApiTokens.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(owner))
        {
            var needle = owner.Trim().ToUpperInvariant();
            query = query.Where(t => t.User.NormalizedEmail!.Contains(needle));
        }
        var rows = await query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(Math.Clamp(take, 1, 1000))
            .Select(t => new { Token = t, Email = t.User.Email })
            .ToListAsync(ct);
        return [.. rows.Select(r => new OwnedTokenSummary(
            new TokenSummary(r.Token.Id, r.Token.Name, r.Token.Prefix, r.Token.ScopeList, r.Token.CreatedAt, r.Token.ExpiresAt, r.Token.RevokedAt, r.Token.LastUsedAt),
            r.Token.UserId, r.Email ?? ""))];
    }

    /// <summary>An admin revokes anyone's token.</summary>
    public async Task RevokeAnyAsync(Actor actor, int tokenId, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            throw new ForbiddenException("Only admins revoke other people's tokens.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == tokenId, ct) ?? throw new NotFoundException("Token");
        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow().UtcDateTime;
            audit.Add(db, AuditActions.TokenRevoked, actor.UserId, actor.Name,
                $"Revoked token '{token.Name}' (bp_{token.Prefix}…) of {token.User.Email}", "token", Key(token));
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Resolves a bearer token to its user's principal, narrowed by the token's scopes; null when
    /// the token is malformed, unknown, expired, revoked, or its user can no longer sign in.
    /// </summary>
    /// <summary>Every bearer request reads its token this way; compiled once, so no per-request query translation or cache lookup.</summary>
    private static readonly Func<AppDbContext, string, CancellationToken, Task<ApiToken?>> TokenByHash =
        EF.CompileAsyncQuery((AppDbContext db, string hash, CancellationToken ct) =>
            db.ApiTokens.AsNoTracking().Include(t => t.User).FirstOrDefault(t => t.Hash == hash));

    public Task<ClaimsPrincipal?> AuthenticateAsync(string token, IUserClaimsPrincipalFactory<ApplicationUser> principals, string scheme, CancellationToken ct = default) =>
        AuthenticateAsync(token, () => principals, scheme, ct);

    /// <summary>
    /// <paramref name="principals"/> is asked for only when the user's claims are not cached: resolving Identity's
    /// claims factory builds a UserManager and a scoped context, which a cached request does not need.
    /// </summary>
    public async Task<ClaimsPrincipal?> AuthenticateAsync(string token, Func<IUserClaimsPrincipalFactory<ApplicationUser>> principals, string scheme, CancellationToken ct = default)
    {
        if (!TokenFormat.IsWellFormed(token))
        {
            return null;
        }
        var hash = TokenFormat.Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await TokenByHash(db, hash, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (row is not null && row.RevokedAt is not null)
        {
            await RecordUseAfterRevokeAsync(db, row, now, ct);
            return null;
        }
        if (row is null || row.ExpiresAt <= now)
        {
            return null;
        }
        if (row.User.IsDisabled || (row.User.LockoutEnd is { } lockoutEnd && lockoutEnd > clock.GetUtcNow()))
        {
            return null;
        }
        // Recording every use would write on every request; once a minute is enough to answer "is it used?".
        if (row.LastUsedAt is null || now - row.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        var identity = new ClaimsIdentity(await UserClaimsAsync(hash, row.User, principals, now), scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(Actor.TokenIdClaim, row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var scope in row.ScopeList)
        {
            identity.AddClaim(new Claim(Actor.ScopeClaim, scope));
        }
        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// The user's claims (roles, name) cost several queries to build, and a CI job sends many requests
    /// a minute with one token. They are reused for a short while, but only while the user row is
    /// unchanged: a role change or any other update through Identity renews its concurrency stamp,
    /// and the token row itself (revoked, expired, disabled, locked out) is still read on every request.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CachedClaims> ClaimsCache = new(StringComparer.Ordinal);

    private const int ClaimsCacheLimit = 10_000;

    private static readonly TimeSpan ClaimsCacheLifetime = TimeSpan.FromMinutes(1);

    private sealed record CachedClaims(string UserId, string? ConcurrencyStamp, string? SecurityStamp, Claim[] Claims, DateTime At);

    private static async Task<IEnumerable<Claim>> UserClaimsAsync(string tokenHash, ApplicationUser user, Func<IUserClaimsPrincipalFactory<ApplicationUser>> principals, DateTime now)
    {
        if (ClaimsCache.TryGetValue(tokenHash, out var cached) && cached.UserId == user.Id && cached.ConcurrencyStamp == user.ConcurrencyStamp
            && cached.SecurityStamp == user.SecurityStamp && now - cached.At < ClaimsCacheLifetime && cached.At <= now)
        {
            return cached.Claims;
        }
        var claims = (await principals().CreateAsync(user)).Claims.ToArray();
        if (ClaimsCache.Count >= ClaimsCacheLimit)
        {
            ClaimsCache.Clear();
        }
        ClaimsCache[tokenHash] = new CachedClaims(user.Id, user.ConcurrencyStamp, user.SecurityStamp, claims, now);
        return claims;
    }

    /// <summary>A revoked token still in use may be a leaked one. One entry a minute per token is enough to see it, and keeps a loop from flooding the log.</summary>
    private async Task RecordUseAfterRevokeAsync(AppDbContext db, ApiToken row, DateTime now, CancellationToken ct)
    {
        var key = Key(row);
        var since = now.AddMinutes(-1);
        if (await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.TokenUsedAfterRevoke && e.At >= since && e.EntityKey == key, ct))
        {
            return;
        }
        audit.Add(db, AuditActions.TokenUsedAfterRevoke, row.UserId, row.User.Email ?? row.UserId,
            $"Revoked token '{row.Name}' (bp_{row.Prefix}…, revoked {row.RevokedAt:yyyy-MM-dd HH:mm} UTC) was presented", "token", key);
        await db.SaveChangesAsync(ct);
    }

    private static string Key(ApiToken token) => token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
