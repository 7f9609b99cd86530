using System.Text.RegularExpressions;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class SignInTests(PortalFixture portal)
{
    [Fact]
    public async Task The_admin_signs_in_and_lands_on_home()
    {
        var admin = await portal.FirstAdminAsync();
        await using var context = await portal.NewContextAsync();
        var login = await new LoginPage(await context.NewPageAsync()).GotoAsync();
        await Expect(login.Heading).ToBeVisibleAsync();
        await Screenshots.SaveAsync(login.Page, "sign-in");

        var home = await login.SignInAsync(admin);

        await home.WaitUntilInteractiveAsync();
        await Expect(home.UserMenu).ToContainTextAsync(admin.Email);
        await Screenshots.SaveAsync(home.Page, "home");
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("services");

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Expect(new LoginPage(page).SignInButton).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_out_from_the_user_menu_ends_at_sign_in()
    {
        var admin = await portal.FirstAdminAsync();
        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, admin);

        var login = await home.SignOutAsync();

        await Expect(login.Page).ToHaveURLAsync(new Regex("/Account/Login"));
        await login.Page.GotoAsync("");
        await Expect(login.Page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Expect(login.SignInButton).ToBeVisibleAsync();
    }
}
