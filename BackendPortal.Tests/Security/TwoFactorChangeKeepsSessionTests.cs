using System.Net;
using BackendPortal.Data;
using BackendPortal.Features.Users;
using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackendPortal.Security;

/// <summary>The app on a fake clock, so a test can move past the cookie's revalidation interval without waiting for it.</summary>
public sealed class FakeClockPortalFactory : PortalFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>
/// Turning two-factor on or off changes the security stamp; the browser that made the change must stay
/// signed in (its cookie is re-issued) rather than be sent to the sign-in page at the next revalidation.
/// </summary>
public sealed class TwoFactorChangeKeepsSessionTests(FakeClockPortalFactory factory) : IClassFixture<FakeClockPortalFactory>
{
    /// <summary>Moves past Security:RevalidationInterval (1 minute), so the next request re-checks the cookie's stamp.</summary>
    private async Task AssertSignedInAfterRevalidationAsync(HttpClient client)
    {
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var page = await client.GetAsync("/Account/Manage");
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"Expected the account page, got {(int)page.StatusCode} {page.Headers.Location}");
    }

    private async Task<string> StampAsync(string userId)
    {
        await using var scope = factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.GetSecurityStampAsync((await users.FindByIdAsync(userId))!))!;
    }

    [Fact]
    public async Task Enabling_and_disabling_the_authenticator_keeps_this_browser_signed_in()
    {
        var account = await factory.CreateUserAsync(Roles.Engineer);
        var client = await factory.SignInAsync(account);
        var other = await factory.SignInAsync(account);

        // The page creates the key on first view; the code is made from it as an app would.
        var setup = await client.GetAsync("/Account/Manage/EnableAuthenticator");
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        string key;
        await using (var scope = factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            key = (await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(account.Id))!))!;
        }
        var stampBefore = await StampAsync(account.Id);
        var enabled = await HtmlForms.SubmitAsync(client, "/Account/Manage/EnableAuthenticator", "send-code", new Dictionary<string, string>
        {
            ["Input.Code"] = TotpAuthenticatorTokenProvider.Code(key, factory.Clock.GetUtcNow()),
        });
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Contains("Your authenticator app has been verified.", await enabled.Content.ReadAsStringAsync());
        Assert.NotEqual(stampBefore, await StampAsync(account.Id));
        await AssertSignedInAfterRevalidationAsync(client);

        // Another browser of the same user still carries the old stamp and is signed out: the stamp was checked.
        var stale = await other.GetAsync("/Account/Manage");
        Assert.Equal(HttpStatusCode.Redirect, stale.StatusCode);
        Assert.Contains("/Account/Login", stale.Headers.Location!.ToString());

        var disabled = await HtmlForms.SubmitAsync(client, "/Account/Manage/Disable2fa", "disable-2fa", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        Assert.Contains("TwoFactorAuthentication", disabled.Headers.Location!.ToString());
        await AssertSignedInAfterRevalidationAsync(client);
    }
}
