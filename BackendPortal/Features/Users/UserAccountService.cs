using System.Text;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.People;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Users;

public sealed record UserAccount(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string PersonSlug);

/// <summary>Creates sign-in accounts. Each account gets a Person, so it can join teams.</summary>
public sealed class UserAccountService(
    UserManager<ApplicationUser> users,
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    AuditService audit)
{
    /// <summary>Creates the account; without a password it cannot sign in until its owner sets one through a link.</summary>
    public async Task<UserAccount> CreateAsync(string email, string? displayName, IEnumerable<string> roles, string? password, string actor, CancellationToken ct = default, string? actorId = null)
    {
        var errors = new ValidationErrors();
        var cleanEmail = email?.Trim() ?? "";
        if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(cleanEmail) || cleanEmail.Length == 0)
        {
            errors.Add("email", $"'{cleanEmail}' is not an e-mail address.");
        }
        var roleList = new List<string>();
        foreach (var role in roles)
        {
            var canonical = Roles.Normalize(role);
            if (canonical is null)
            {
                errors.Add("role", $"'{role}' is not a role; use {string.Join(", ", Roles.All)}.");
            }
            else if (!roleList.Contains(canonical))
            {
                roleList.Add(canonical);
            }
        }
        if (roleList.Count == 0)
        {
            errors.Add("role", $"Give at least one role: {string.Join(", ", Roles.All)}.");
        }
        if (password is not null)
        {
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, new ApplicationUser(), password);
                foreach (var error in result.Errors)
                {
                    errors.Add("password", error.Description);
                }
            }
        }
        errors.ThrowIfAny();
        if (await users.FindByEmailAsync(cleanEmail) is not null)
        {
            throw new ConflictException($"A user with the e-mail '{cleanEmail}' already exists.");
        }

        var name = string.IsNullOrWhiteSpace(displayName) ? cleanEmail.Split('@')[0] : displayName.Trim();
        var user = new ApplicationUser
        {
            UserName = cleanEmail,
            Email = cleanEmail,
            EmailConfirmed = true,
            DisplayName = name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        Check(password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password));
        Check(await users.AddToRolesAsync(user, roleList));

        var personSlug = await LinkPersonAsync(user, actor, ct);
        await audit.RecordAsync(AuditActions.UserCreated, actorId, actor,
            $"Created user {cleanEmail} with roles {string.Join(", ", roleList)}" + (password is null ? ", no password yet" : ""), "user", user.Id, ct);
        return new UserAccount(user.Id, cleanEmail, name, roleList, personSlug);
    }

    public const string SetPasswordPath = "/Account/SetInitialPassword";

    /// <summary>
    /// A link (relative to the portal's root) for the owner of the account to choose a password.
    /// It is Identity's password-reset token: it expires after the token lifespan (24 hours) and
    /// works once, because setting the password renews the security stamp the token is bound to.
    /// </summary>
    public async Task<string> SetPasswordLinkAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new NotFoundException("User");
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        return $"{SetPasswordPath}?email={Uri.EscapeDataString(user.Email!)}&code={code}";
    }

    public async Task<bool> IsSetPasswordLinkValidAsync(string? email, string? code)
    {
        var (user, token) = await ReadLinkAsync(email, code);
        return user is not null && await users.VerifyUserTokenAsync(
            user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<ApplicationUser>.ResetPasswordTokenPurpose, token!);
    }

    /// <summary>Sets the password from a link; a used or expired link is a conflict, a weak password a validation error.</summary>
    public async Task SetPasswordWithLinkAsync(string? email, string? code, string password)
    {
        var (user, token) = await ReadLinkAsync(email, code);
        if (user is null)
        {
            throw new ConflictException(LinkNotValid);
        }
        var result = await users.ResetPasswordAsync(user, token!, password);
        if (result.Errors.Any(e => e.Code == new IdentityErrorDescriber().InvalidToken().Code))
        {
            throw new ConflictException(LinkNotValid);
        }
        if (!result.Succeeded)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["password"] = [.. result.Errors.Select(e => e.Description)],
            });
        }
        await audit.RecordAsync(AuditActions.PasswordChanged, user.Id, user.Email ?? user.Id, "Set the password with a one-time link", "user", user.Id);
    }

    public const string LinkNotValid = "This link has expired or was used already. Ask an admin for a new one.";

    private async Task<(ApplicationUser? User, string? Token)> ReadLinkAsync(string? email, string? code)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(code))
        {
            return (null, null);
        }
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return (null, null);
        }
        var user = await users.FindByEmailAsync(email.Trim());
        return user is null ? (null, null) : (user, token);
    }

    /// <summary>Links the account to the person with its e-mail, or creates one with a slug made from the address.</summary>
    private async Task<string> LinkPersonAsync(ApplicationUser user, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var email = user.Email!;
        var person = await db.People.FirstOrDefaultAsync(p => p.UserId == null && p.Email == email, ct);
        if (person is null)
        {
            var baseSlug = SlugFromEmail(email);
            var slug = baseSlug;
            for (var n = 2; await db.People.AnyAsync(p => p.SlugKey == Slug.Key(slug), ct); n++)
            {
                slug = $"{baseSlug[..Math.Min(baseSlug.Length, 58)]}-{n}";
            }
            person = new Person { Slug = slug, SlugKey = Slug.Key(slug), Name = user.DisplayName, Email = email };
            db.People.Add(person);
        }
        person.UserId = user.Id;
        person.Stamp(actor, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return person.Slug;
    }

    public static string SlugFromEmail(string email)
    {
        var local = email.Split('@')[0];
        var chars = local.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = string.Join("-", new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        if (slug.Length == 0)
        {
            slug = "user";
        }
        return slug.Length > 60 ? slug[..60].TrimEnd('-') : slug;
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
