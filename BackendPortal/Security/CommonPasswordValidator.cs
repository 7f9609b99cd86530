using System.Collections.Frozen;
using BackendPortal.Data;
using Microsoft.AspNetCore.Identity;

namespace BackendPortal.Security;

/// <summary>
/// Refuses the 30,000 most common passwords (zxcvbn's list, see common-passwords.LICENSE.txt beside
/// the list) and passwords that are the account's own e-mail, user name or display name.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<ApplicationUser>
{
    public const string CommonMessage = "This password is one of the most common ones; choose another.";
    public const string PersonalMessage = "The password must not be your e-mail address or name.";

    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    public static int Count => Common.Value.Count;

    public static bool IsCommon(string password) => Common.Value.Contains(password.Trim());

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }
        if (IsCommon(password))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError { Code = "PasswordTooCommon", Description = CommonMessage }));
        }
        var trimmed = password.Trim();
        string?[] personal = [user.Email, user.UserName, user.DisplayName, user.Email?.Split('@')[0]];
        if (personal.Any(p => !string.IsNullOrWhiteSpace(p) && string.Equals(p.Trim(), trimmed, StringComparison.OrdinalIgnoreCase)))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError { Code = "PasswordIsPersonal", Description = PersonalMessage }));
        }
        return Task.FromResult(IdentityResult.Success);
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("BackendPortal.Security.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-passwords list is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line);
            }
        }
        return set.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
