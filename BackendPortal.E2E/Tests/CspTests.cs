using System.Text.RegularExpressions;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using BackendPortal.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class CspTests(PortalFixture portal)
{
    private static ILocator NavLink(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Modules" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    [Fact]
    public async Task Every_main_page_runs_without_a_content_security_policy_violation()
    {
        var admin = await portal.FirstAdminAsync();
        var service = await portal.GivenServiceAsync();
        await using var context = await portal.NewContextAsync();
        var csp = await CspWatcher.AttachAsync(context);

        var login = await new LoginPage(await context.NewPageAsync()).GotoAsync();
        await Expect(login.Heading).ToBeVisibleAsync();
        var home = await login.SignInAsync(admin);
        var page = home.Page;
        await home.WaitUntilInteractiveAsync();

        foreach (var path in new[]
        {
            "services", $"services/{service.Slug}", $"services/{service.Slug}/edit", "teams", $"teams/{service.Owner}",
            "admin", "admin/users", "admin/audit", "admin/tokens", "profile/tokens", "profile/sessions", "Account/Manage",
        })
        {
            await page.GotoAsync(path);
            await Expect(home.Heading.Or(page.Locator("h3")).First).ToBeVisibleAsync();
            if (!path.StartsWith("Account", StringComparison.Ordinal))
            {
                await home.WaitUntilInteractiveAsync();
            }
        }

        // In-circuit navigation too: the nav menu, then the API reference (a full page load).
        await page.GotoAsync("");
        await home.WaitUntilInteractiveAsync();
        await NavLink(page, "Teams").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/teams$"));
        await page.GotoAsync("api/docs");
        await Expect(page.Locator(".opblock").First).ToBeVisibleAsync();

        await page.GotoAsync("");
        await home.SignOutAsync();
        await page.GotoAsync("setup");
        await Expect(page.Locator("h1").First).ToBeVisibleAsync();

        Assert.True(csp.Violations.Count == 0, "CSP violations:\n" + string.Join("\n", csp.Violations));

        // The watcher hears a real violation: an image from another origin is refused by img-src.
        await page.EvaluateAsync("() => { const i = document.createElement('img'); i.src = 'https://example.invalid/x.png'; document.body.append(i); }");
        await csp.FirstViolation.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(csp.Violations, v => v.Contains("img-src", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_admin_without_two_factor_is_made_to_set_it_up_before_anything_else()
    {
        var admin = await portal.CreateUserAsync("Admin", "Tessa Twofactor");
        var config = portal.Server.Services.GetRequiredService<IConfiguration>();
        await using var context = await portal.NewContextAsync();
        var csp = await CspWatcher.AttachAsync(context);
        try
        {
            // Signed in with the rule off, then the rule goes on while the circuit is live.
            var home = await LoginPage.SignInAsync(context, admin);
            await home.WaitUntilInteractiveAsync();
            config[AdminTwoFactorRequirement.Setting] = "true";

            await NavLink(home.Page, "Services").ClickAsync();

            var setup = new EnableAuthenticatorPage(home.Page);
            await Expect(home.Page).ToHaveURLAsync(new Regex("/Account/Manage/EnableAuthenticator\\?required=admin$"));
            await Expect(setup.RequiredNotice).ToBeVisibleAsync();
            await home.Page.GotoAsync("teams");
            await Expect(setup.RequiredNotice).ToBeVisibleAsync();

            await setup.SubmitCodeAsync(key => Totp.Code(key, DateTimeOffset.UtcNow));
            await Expect(setup.Verified).ToBeVisibleAsync();

            await home.Page.GotoAsync("teams");
            await Expect(home.Heading).ToHaveTextAsync("Teams");
            await home.WaitUntilInteractiveAsync();
        }
        finally
        {
            config[AdminTwoFactorRequirement.Setting] = "false";
        }
        Assert.True(csp.Violations.Count == 0, "CSP violations:\n" + string.Join("\n", csp.Violations));
    }
}
