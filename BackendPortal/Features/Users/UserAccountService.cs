using BackendPortal.Data;
using BackendPortal.Features.People;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Users;

public sealed record UserAccount(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string PersonSlug);

/// <summary>Creates sign-in accounts. Each account gets a Person, so it can join teams.</summary>
public sealed class UserAccountService(
    UserManager<ApplicationUser> users,
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock)
{
    public async Task<UserAccount> CreateAsync(string email, string? displayName, IEnumerable<string> roles, string password, string actor, CancellationToken ct = default)
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
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, new ApplicationUser(), password ?? "");
            foreach (var error in result.Errors)
            {
                errors.Add("password", error.Description);
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
        Check(await users.CreateAsync(user, password!));
        Check(await users.AddToRolesAsync(user, roleList));

        var personSlug = await LinkPersonAsync(user, actor, ct);
        return new UserAccount(user.Id, cleanEmail, name, roleList, personSlug);
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
