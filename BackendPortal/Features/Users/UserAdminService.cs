using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Sessions;
using BackendPortal.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Users;

public sealed record UserSummary(
    string Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    DateTime CreatedAt,
    DateTime? LastSignInAt,
    bool TwoFactorEnabled,
    bool Locked,
    DateTimeOffset? LockedUntil,
    bool Disabled,
    DateTime? DisabledAt);

/// <summary>A new account and the one-time link its owner uses to choose a password.</summary>
public sealed record CreatedUser(UserSummary User, string SetPasswordUrl);

public sealed class NewUserInput
{
    public string Email { get; set; } = "";
    public string? DisplayName { get; set; }
    public List<string>? Roles { get; set; }
}

/// <summary>A partial change: null leaves the field as it is.</summary>
public sealed class UserChange
{
    public bool? Disabled { get; set; }
    public bool? Locked { get; set; }
    public List<string>? Roles { get; set; }
}

/// <summary>
/// What admins do to accounts. Every change renews the security stamp, so the user's cookies and
/// live circuits end at their next revalidation. The UserManager comes from a fresh scope per call:
/// a circuit-long one would keep serving the users it loaded first.
/// </summary>
public sealed class UserAdminService(
    IServiceScopeFactory scopes,
    IDbContextFactory<AppDbContext> dbFactory,
    SessionService sessions,
    AuditService audit,
    TimeProvider clock)
{
    /// <summary>The lockout an admin sets: until an admin lifts it.</summary>
    public static readonly DateTimeOffset LockedByAdmin = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public async Task<GridPage<UserSummary>> QueryAsync(Actor actor, string? q, int skip, int take, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, q);
        var total = await query.CountAsync(ct);
        var ids = await query.OrderBy(u => u.NormalizedEmail).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 1000)).Select(u => u.Id).ToListAsync(ct);
        return new GridPage<UserSummary>(await LoadAsync(db, ids, ct), total);
    }

    /// <summary>Keyset-paged by normalized e-mail, for the API.</summary>
    public async Task<Page<UserSummary>> ListAsync(Actor actor, string? q, PageRequest page, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, q);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            query = query.Where(u => string.Compare(u.NormalizedEmail, after) > 0);
        }
        var keys = await query.OrderBy(u => u.NormalizedEmail).Take(page.Limit + 1).Select(u => new { u.Id, u.NormalizedEmail }).ToListAsync(ct);
        var items = await LoadAsync(db, [.. keys.Take(page.Limit).Select(k => k.Id)], ct);
        var next = keys.Count > page.Limit ? PageRequest.EncodeCursor(keys[page.Limit - 1].NormalizedEmail!) : null;
        return new Page<UserSummary>(items, next, total);
    }

    public async Task<UserSummary> GetAsync(Actor actor, string email, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        return await GetByEmailAsync(email, ct);
    }

    public async Task<CreatedUser> CreateAsync(Actor actor, NewUserInput input, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        var roles = ParseRoles(input.Roles);
        await using var scope = scopes.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccountService>();
        var account = await accounts.CreateAsync(input.Email, input.DisplayName, roles, password: null, actor.Name, ct, actor.UserId);
        var link = await accounts.SetPasswordLinkAsync(account.Id);
        return new CreatedUser(await GetByEmailAsync(account.Email, ct), link);
    }

    /// <summary>Applies any combination of roles, lock and disable, refusing what would leave no active admin.</summary>
    public async Task<UserSummary> UpdateAsync(Actor actor, string email, UserChange change, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        if (change.Disabled is null && change.Locked is null && change.Roles is null)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["body"] = ["Give at least one of disabled, locked or roles."],
            });
        }
        var roles = change.Roles is null ? null : ParseRoles(change.Roles);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await FindAsync(users, email);
        var now = clock.GetUtcNow();
        var currentRoles = await users.GetRolesAsync(user);
        var isAdmin = currentRoles.Contains(Roles.Admin);
        var staysAdmin = roles?.Contains(Roles.Admin) ?? isAdmin;
        var willBeDisabled = change.Disabled ?? user.IsDisabled;
        var willBeLocked = change.Locked ?? IsLocked(user, now);

        if (isAdmin && !staysAdmin && user.Id == actor.UserId)
        {
            throw new ConflictException("You cannot remove your own Admin role. Another admin can do it.");
        }
        if (isAdmin && IsActive(user, now) && (!staysAdmin || willBeDisabled || willBeLocked)
            && !await AnyOtherActiveAdminAsync(user.Id, ct))
        {
            throw new ConflictException($"{user.Email} is the last active admin. Make another user an admin first.");
        }

        var changed = false;
        var endSessions = false;
        if (roles is not null && !roles.ToHashSet().SetEquals(currentRoles))
        {
            Check(await users.RemoveFromRolesAsync(user, currentRoles.Except(roles)));
            Check(await users.AddToRolesAsync(user, roles.Except(currentRoles)));
            changed = true;
        }
        if (change.Disabled is { } disabled && disabled != user.IsDisabled)
        {
            user.IsDisabled = disabled;
            user.DisabledAt = disabled ? now.UtcDateTime : null;
            changed = true;
            endSessions |= disabled;
        }
        if (change.Locked is { } locked && locked != IsLocked(user, now))
        {
            Check(await users.SetLockoutEnabledAsync(user, true));
            Check(await users.SetLockoutEndDateAsync(user, locked ? LockedByAdmin : null));
            if (!locked)
            {
                Check(await users.ResetAccessFailedCountAsync(user));
            }
            changed = true;
            endSessions |= locked;
        }
        if (changed)
        {
            // Also saves IsDisabled; a new stamp ends cookies and circuits at their next check.
            Check(await users.UpdateSecurityStampAsync(user));
            await audit.RecordAsync(AuditActions.UserUpdated, actor, Describe(change, roles), "user", user.Email, ct);
        }
        if (endSessions)
        {
            await sessions.EndAllAsync(user.Id, ct: ct);
        }
        return await GetByEmailAsync(user.Email!, ct);
    }

    public Task<UserSummary> SetRolesAsync(Actor actor, string email, IEnumerable<string> roles, CancellationToken ct = default) =>
        UpdateAsync(actor, email, new UserChange { Roles = [.. roles] }, ct);

    public Task<UserSummary> SetLockedAsync(Actor actor, string email, bool locked, CancellationToken ct = default) =>
        UpdateAsync(actor, email, new UserChange { Locked = locked }, ct);

    public Task<UserSummary> SetDisabledAsync(Actor actor, string email, bool disabled, CancellationToken ct = default) =>
        UpdateAsync(actor, email, new UserChange { Disabled = disabled }, ct);

    /// <summary>Turns two-factor sign-in off and forgets the authenticator key, for a user who lost their device.</summary>
    public async Task<UserSummary> ResetTwoFactorAsync(Actor actor, string email, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await FindAsync(users, email);
        Check(await users.SetTwoFactorEnabledAsync(user, false));
        user.LastTotpTimeStep = null;
        Check(await users.ResetAuthenticatorKeyAsync(user));
        Check(await users.UpdateSecurityStampAsync(user));
        await audit.RecordAsync(AuditActions.UserUpdated, actor, "Two-factor sign-in reset", "user", user.Email, ct);
        return await GetByEmailAsync(user.Email!, ct);
    }

    /// <summary>Ends every browser session of the user; their tokens are left alone.</summary>
    public async Task<int> SignOutEverywhereAsync(Actor actor, string email, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await FindAsync(users, email);
        Check(await users.UpdateSecurityStampAsync(user));
        var ended = await sessions.EndAllAsync(user.Id, ct: ct);
        await audit.RecordAsync(AuditActions.UserUpdated, actor, $"Signed out everywhere ({ended} session(s) ended)", "user", user.Email, ct);
        return ended;
    }

    private static string Describe(UserChange change, IReadOnlyCollection<string>? roles)
    {
        var parts = new List<string>();
        if (change.Disabled is { } disabled)
        {
            parts.Add(disabled ? "disabled" : "enabled");
        }
        if (change.Locked is { } locked)
        {
            parts.Add(locked ? "locked" : "unlocked");
        }
        if (roles is not null)
        {
            parts.Add("roles: " + string.Join(", ", roles));
        }
        return string.Join("; ", parts);
    }

    public static bool IsLocked(ApplicationUser user, DateTimeOffset now) => user.LockoutEnd is { } end && end > now;

    /// <summary>Whether the account may be used at all: not disabled and not locked out.</summary>
    public static bool IsActive(ApplicationUser user, DateTimeOffset now) => !user.IsDisabled && !IsLocked(user, now);

    private async Task<bool> AnyOtherActiveAdminAsync(string exceptUserId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var adminRoleId = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).FirstOrDefaultAsync(ct);
        // LockoutEnd is compared here, not in SQL: SQLite cannot order DateTimeOffset values.
        var others = await db.Users.AsNoTracking()
            .Where(u => u.Id != exceptUserId && !u.IsDisabled && db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == adminRoleId))
            .Select(u => u.LockoutEnd)
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        return others.Any(end => end is null || end <= now);
    }

    private async Task<UserSummary> GetByEmailAsync(string email, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = email.Trim().ToUpperInvariant();
        var id = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"User '{email}'");
        return (await LoadAsync(db, [id], ct))[0];
    }

    private static async Task<ApplicationUser> FindAsync(UserManager<ApplicationUser> users, string email) =>
        await users.FindByEmailAsync(email.Trim()) ?? throw new NotFoundException($"User '{email}'");

    private static IQueryable<ApplicationUser> Filtered(AppDbContext db, string? q)
    {
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Validate.LikePattern(q.Trim());
            query = query.Where(u => EF.Functions.Like(u.Email!, pattern, "\\") || EF.Functions.Like(u.DisplayName, pattern, "\\"));
        }
        return query;
    }

    private async Task<List<UserSummary>> LoadAsync(AppDbContext db, List<string> ids, CancellationToken ct)
    {
        var rows = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.NormalizedEmail,
                u.DisplayName,
                u.CreatedAt,
                u.LastSignInAt,
                u.TwoFactorEnabled,
                u.LockoutEnd,
                u.IsDisabled,
                u.DisabledAt,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToList(),
            })
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        return [.. rows.OrderBy(r => r.NormalizedEmail, StringComparer.Ordinal).Select(r =>
        {
            var locked = r.LockoutEnd is { } end && end > now;
            return new UserSummary(
                r.Id, r.Email ?? "", r.DisplayName, [.. Roles.All.Where(r.Roles.Contains)], r.CreatedAt, r.LastSignInAt,
                r.TwoFactorEnabled, locked, locked ? r.LockoutEnd : null, r.IsDisabled, r.DisabledAt);
        })];
    }

    private static List<string> ParseRoles(IEnumerable<string>? roles)
    {
        var errors = new ValidationErrors();
        var result = new List<string>();
        foreach (var role in roles ?? [])
        {
            var canonical = Roles.Normalize(role);
            if (canonical is null)
            {
                errors.Add("roles", $"'{role}' is not a role; use {string.Join(", ", Roles.All)}.");
            }
            else if (!result.Contains(canonical))
            {
                result.Add(canonical);
            }
        }
        if (result.Count == 0 && !errors.Any)
        {
            errors.Add("roles", $"Give at least one role: {string.Join(", ", Roles.All)}.");
        }
        errors.ThrowIfAny();
        return result;
    }

    private static void RequireAdmin(Actor actor)
    {
        if (!actor.IsAdmin)
        {
            throw new ForbiddenException(actor.IsTokenCaller && actor.Roles.Contains(Roles.Admin)
                ? "This token lacks the 'admin' scope."
                : "Only admins can manage users.");
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["user"] = [.. result.Errors.Select(e => e.Description)],
            });
        }
    }
}
