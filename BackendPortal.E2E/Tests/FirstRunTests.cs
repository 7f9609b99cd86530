using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class FirstRunTests(PortalFixture portal)
{
    [Fact]
    public async Task The_setup_link_creates_the_first_admin_and_then_stops_working()
    {
        // Whichever test runs first fills in the setup form from the logged link (see FirstAdminAsync).
        var admin = await portal.FirstAdminAsync();

        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var setup = new SetupPage(page);
        await setup.GotoAsync(await portal.SetupUrlAsync());
        await Expect(setup.InvalidLink).ToBeVisibleAsync();
        await Expect(setup.CreateAdminButton).ToHaveCountAsync(0);

        var login = await new LoginPage(page).GotoAsync();
        var home = await login.SignInAsync(admin);
        await Expect(home.UserMenu).ToContainTextAsync(admin.Email);
    }
}
