using System.Net;
using BackendPortal.Data;
using BackendPortal.Features.Users;
using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackendPortal.Security;

public sealed class TwoFactorTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    /// <summary>A user with an authenticator app set up; returns the shared key.</summary>
    private async Task<(UserAccount User, string Key)> UserWithAuthenticatorAsync()
    {
        var account = await factory.CreateUserAsync(Roles.Engineer);
        await using var scope = factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(account.Id);
        await users.ResetAuthenticatorKeyAsync(user!);
        await users.SetTwoFactorEnabledAsync(user!, true);
        return (account, (await users.GetAuthenticatorKeyAsync(user!))!);
    }

    /// <summary>Password, then the 2FA form with the code; the form's answer (302 and a cookie on success).</summary>
    /// <remarks>The code is made just before the post, so a step boundary can only make it older, never younger.</remarks>
    private async Task<HttpResponseMessage> SignInWithCodeAsync(UserAccount user, Func<string> code)
    {
        var client = factory.AnonymousClient();
        var password = await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        var twoFactorUrl = password.Headers.Location!.OriginalString;
        Assert.Contains("/Account/LoginWith2fa", twoFactorUrl);
        Assert.False(PortalFactory.SetsAuthCookie(password));
        var page = await client.GetAsync(twoFactorUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(await page.Content.ReadAsStringAsync()),
            ["_handler"] = "login-with-2fa",
            ["Input.TwoFactorCode"] = code(),
        };
        return await client.PostAsync(twoFactorUrl, new FormUrlEncodedContent(form));
    }

    [Fact]
    public void Codes_follow_rfc_6238()
    {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890", last 6 of the 8 digits.
        const string key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        Assert.Equal("287082", TotpAuthenticatorTokenProvider.Code(key, DateTimeOffset.FromUnixTimeSeconds(59)));
        Assert.Equal("081804", TotpAuthenticatorTokenProvider.Code(key, DateTimeOffset.FromUnixTimeSeconds(1111111109)));
        Assert.Equal("005924", TotpAuthenticatorTokenProvider.Code(key, DateTimeOffset.FromUnixTimeSeconds(1234567890)));
        Assert.Equal(TotpAuthenticatorTokenProvider.Base32Decode(key), TotpAuthenticatorTokenProvider.Base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
    }

    [Fact]
    public void The_portal_provider_replaces_the_framework_authenticator()
    {
        var options = factory.Services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        var name = options.Tokens.AuthenticatorTokenProvider;
        Assert.Equal(typeof(TotpAuthenticatorTokenProvider), options.Tokens.ProviderMap[name].ProviderType);
        Assert.DoesNotContain(options.Tokens.ProviderMap.Values, d => d.ProviderType == typeof(AuthenticatorTokenProvider<ApplicationUser>));
    }

    [Fact]
    public async Task A_code_signs_in_once_and_the_same_code_again_is_refused()
    {
        var (user, key) = await UserWithAuthenticatorAsync();
        string? code = null;
        var first = await SignInWithCodeAsync(user, () => code = TotpAuthenticatorTokenProvider.Code(key, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.True(PortalFactory.SetsAuthCookie(first));
        var stored = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.NotNull(stored.LastTotpTimeStep);

        var replay = await SignInWithCodeAsync(user, () => code!);
        Assert.False(PortalFactory.SetsAuthCookie(replay));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("Invalid authenticator code", await replay.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_code_two_steps_old_is_refused_and_one_step_old_is_accepted()
    {
        var (user, key) = await UserWithAuthenticatorAsync();
        var old = await SignInWithCodeAsync(user, () => TotpAuthenticatorTokenProvider.Code(key, DateTimeOffset.UtcNow.AddSeconds(-60)));
        Assert.False(PortalFactory.SetsAuthCookie(old));

        var drifted = await SignInWithCodeAsync(user, () => TotpAuthenticatorTokenProvider.Code(key, DateTimeOffset.UtcNow.AddSeconds(-30)));
        Assert.True(PortalFactory.SetsAuthCookie(drifted));
    }

    [Fact]
    public async Task Setting_up_the_app_consumes_the_code_too()
    {
        var account = await factory.CreateUserAsync(Roles.Engineer);
        await using var scope = factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByIdAsync(account.Id))!;
        await users.ResetAuthenticatorKeyAsync(user);
        var code = TotpAuthenticatorTokenProvider.Code((await users.GetAuthenticatorKeyAsync(user))!, DateTimeOffset.UtcNow);
        var provider = users.Options.Tokens.AuthenticatorTokenProvider;

        Assert.True(await users.VerifyTwoFactorTokenAsync(user, provider, code));
        Assert.False(await users.VerifyTwoFactorTokenAsync(user, provider, code));
        Assert.False(await users.VerifyTwoFactorTokenAsync(user, provider, "12345"));
        Assert.False(await users.VerifyTwoFactorTokenAsync(user, provider, "abcdef"));
    }
}
