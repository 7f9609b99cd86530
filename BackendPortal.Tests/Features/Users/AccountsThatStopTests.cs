using System.Net;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Users;

/// <summary>Revalidates cookies every second, so a test sees a refused cookie without waiting a minute.</summary>
public sealed class FastRevalidationFactory : PortalFactory
{
    public FastRevalidationFactory() => WithSetting("Security:RevalidationInterval", "00:00:01");
}

public sealed class AccountsThatStopTests(FastRevalidationFactory factory) : IClassFixture<FastRevalidationFactory>
{
    private Task<UserSummary> DisableAsync(UserAccount user) =>
        factory.WithServiceAsync<UserAdminService, UserSummary>(s => s.SetDisabledAsync(Actor.System, user.Email, true));

    private static bool IsSentToSignIn(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/Account/Login", StringComparison.Ordinal);

    /// <summary>Requests the home page until the cookie is refused (or the deadline passes).</summary>
    private static async Task<bool> SentToSignInWithinAsync(HttpClient client, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if (IsSentToSignIn(await client.GetAsync("/")))
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_is_told_why_only_with_the_right_password()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        await DisableAsync(user);

        var right = await PortalFactory.PostLoginAsync(factory.AnonymousClient(), user.Email, PortalFactory.Password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.False(PortalFactory.SetsAuthCookie(right));
        Assert.Contains("This account is disabled. Ask an admin.", await right.Content.ReadAsStringAsync());

        var wrong = await PortalFactory.PostLoginAsync(factory.AnonymousClient(), user.Email, "not the password at all");
        var html = await wrong.Content.ReadAsStringAsync();
        Assert.DoesNotContain("disabled", html);
        Assert.Contains("e-mail or password is wrong", html);
    }

    [Fact]
    public async Task Enabling_again_lets_the_user_sign_in()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        await DisableAsync(user);
        await factory.WithServiceAsync<UserAdminService, UserSummary>(s => s.SetDisabledAsync(Actor.System, user.Email, false));
        await factory.SignInAsync(user);
    }

    [Fact]
    public async Task A_disabled_or_locked_users_token_gets_401_at_once()
    {
        var disabled = await factory.CreateUserAsync(Roles.Viewer);
        var locked = await factory.CreateUserAsync(Roles.Viewer);
        var disabledToken = factory.BearerClient(await factory.CreateTokenAsync(disabled, "read"));
        var lockedToken = factory.BearerClient(await factory.CreateTokenAsync(locked, "read"));
        Assert.Equal(HttpStatusCode.OK, (await disabledToken.GetAsync("/api/v1/teams")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lockedToken.GetAsync("/api/v1/teams")).StatusCode);

        await DisableAsync(disabled);
        await factory.WithServiceAsync<UserAdminService, UserSummary>(s => s.SetLockedAsync(Actor.System, locked.Email, true));

        Assert.Equal(HttpStatusCode.Unauthorized, (await disabledToken.GetAsync("/api/v1/teams")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lockedToken.GetAsync("/api/v1/teams")).StatusCode);
    }

    [Fact]
    public async Task A_disabled_users_cookie_is_refused_after_the_revalidation_interval()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var browser = await factory.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        await DisableAsync(user);

        Assert.True(await SentToSignInWithinAsync(browser, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task The_cookie_check_itself_refuses_a_disabled_account_whose_stamp_and_session_are_unchanged()
    {
        // Flags the row directly: no new security stamp, no ended session. Only the disabled check can refuse the cookie.
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var browser = await factory.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        await factory.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true)));

        Assert.True(await SentToSignInWithinAsync(browser, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_locked_users_cookie_is_refused_after_the_revalidation_interval()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var browser = await factory.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        await factory.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, UserAdminService.LockedByAdmin)));

        Assert.True(await SentToSignInWithinAsync(browser, TimeSpan.FromSeconds(15)));
    }
}
