using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class UserAdminTests(PortalFixture portal)
{
    [Fact]
    public async Task Disabling_a_user_sends_their_open_portal_to_sign_in_within_a_minute()
    {
        var admin = await portal.FirstAdminAsync();
        var viewer = await portal.CreateUserAsync(Roles.Viewer, "Vera Viewer");
        await using var viewerContext = await portal.NewContextAsync();
        var viewerHome = await LoginPage.SignInAsync(viewerContext, viewer);
        await viewerHome.WaitUntilInteractiveAsync();

        await using var adminContext = await portal.NewContextAsync();
        await LoginPage.SignInAsync(adminContext, admin);
        var users = await new UsersAdminPage(adminContext.Pages[0]).GotoAsync();
        await users.FindAsync(viewer.Email);
        await Screenshots.SaveAsync(users.Page, "admin-users");
        await users.RunActionAsync(viewer.Email, "Disable", "Disable");
        await Expect(users.Snackbar).ToContainTextAsync($"{viewer.Email} is disabled.");
        await Expect(users.Row(viewer.Email)).ToContainTextAsync("disabled");

        // The viewer does nothing: their live circuit notices on its own and leaves for sign-in.
        await Expect(viewerHome.Page).ToHaveURLAsync(new Regex("/Account/Login"), new() { Timeout = 60_000 });
        var login = new LoginPage(viewerHome.Page);
        await Expect(login.SignInButton).ToBeVisibleAsync();

        await login.Email.FillAsync(viewer.Email);
        await login.Password.FillAsync(viewer.Password);
        await login.SignInButton.ClickAsync();
        await Expect(viewerHome.Page.GetByText("This account is disabled. Ask an admin.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_admin_creates_a_user_whose_one_time_link_sets_the_password()
    {
        var admin = await portal.FirstAdminAsync();
        var email = $"invited-{Unique.Suffix()}@example.test";
        await using var adminContext = await portal.NewContextAsync();
        await LoginPage.SignInAsync(adminContext, admin);
        var users = await new UsersAdminPage(adminContext.Pages[0]).GotoAsync();

        var link = await users.CreateUserAsync(email, "Ivy Invited", "Engineer");
        await users.FindAsync(email);
        await Expect(users.Row(email)).ToContainTextAsync("Engineer");

        await using var inviteeContext = await portal.NewContextAsync();
        var page = await inviteeContext.NewPageAsync();
        await page.GotoAsync(link);
        var password = $"e2e-{Guid.NewGuid():N}";
        await page.Locator("#Input\\.Password").FillAsync(password);
        await page.Locator("#Input\\.ConfirmPassword").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(page.GetByText("Your password is set")).ToBeVisibleAsync();

        await page.GotoAsync(link);
        await Expect(page.GetByText("expired or was used already")).ToBeVisibleAsync();
        var home = await new LoginPage(page).GotoAsync();
        await home.SignInAsync(new PortalUser(email, "Ivy Invited", password, ""));
    }
}
