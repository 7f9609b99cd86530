using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class SessionTests(PortalFixture portal)
{
    [Fact]
    public async Task Signing_out_other_sessions_sends_the_other_open_browser_to_sign_in()
    {
        var engineer = await portal.CreateUserAsync(Roles.Engineer, "Sam Sessions");
        await using var laptop = await portal.NewContextAsync();
        var laptopHome = await LoginPage.SignInAsync(laptop, engineer);
        await laptopHome.WaitUntilInteractiveAsync();

        await using var phone = await portal.NewContextAsync();
        await LoginPage.SignInAsync(phone, engineer);
        var sessions = await new SessionsPage(phone.Pages[0]).GotoAsync();
        await Expect(sessions.Rows).ToHaveCountAsync(2);

        await sessions.SignOutOthersAsync();
        await Expect(sessions.Snackbar).ToContainTextAsync("Signed out 1 other session");
        await Expect(sessions.Rows).ToHaveCountAsync(1);

        // The laptop's open circuit ends on its own; the browser that asked stays signed in.
        await Expect(laptopHome.Page).ToHaveURLAsync(new Regex("/Account/Login"), new() { Timeout = 60_000 });
        await sessions.Page.ReloadAsync();
        await sessions.WaitUntilInteractiveAsync();
        await Expect(sessions.Heading).ToHaveTextAsync("My sessions");
    }
}
