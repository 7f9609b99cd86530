using BackendPortal.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Users;

/// <summary>
/// Identity's sign-in with one rule added: a disabled account cannot sign in, and a cookie of a
/// disabled or locked account stops validating (see <see cref="ValidateSecurityStampAsync(ApplicationUser?, string?)"/>).
/// </summary>
public sealed class PortalSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    TimeProvider clock)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(ApplicationUser user) =>
        !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>Only someone who knows the password learns that the account is disabled.</summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(ApplicationUser user, string password, bool lockoutOnFailure)
    {
        if (user.IsDisabled && !await UserManager.CheckPasswordAsync(user, password))
        {
            return SignInResult.Failed;
        }
        return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
    }

    /// <summary>The account the last passkey assertion of this request proved; the typed e-mail may name someone else.</summary>
    public ApplicationUser? PasskeyUser { get; private set; }

    public override async Task<PasskeyAssertionResult<ApplicationUser>> PerformPasskeyAssertionAsync(string credentialJson)
    {
        var result = await base.PerformPasskeyAssertionAsync(credentialJson);
        PasskeyUser = result.Succeeded ? result.User : null;
        return result;
    }

    /// <summary>Runs when the cookie is revalidated (Security:RevalidationInterval).</summary>
    public override async Task<bool> ValidateSecurityStampAsync(ApplicationUser? user, string? securityStamp) =>
        user is not null && IsActive(user, clock.GetUtcNow()) && await base.ValidateSecurityStampAsync(user, securityStamp);

    /// <summary>Whether a principal's account may still be used; the cookie's other checks can call this too.</summary>
    public static bool IsActive(ApplicationUser user, DateTimeOffset now) => UserAdminService.IsActive(user, now);
}
