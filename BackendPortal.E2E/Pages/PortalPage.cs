using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>What every page inside the portal's layout has: a heading, the live-circuit marker, the user menu.</summary>
public abstract class PortalPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator UserMenu => Page.GetByTestId("user-menu");

    public ILocator Forbidden => Page.GetByText("You don't have access to this page");

    /// <summary>Until the circuit is live, clicks reach only the prerendered HTML and are lost.</summary>
    public Task WaitUntilInteractiveAsync() =>
        Page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public async Task<LoginPage> SignOutAsync()
    {
        await WaitUntilInteractiveAsync();
        await UserMenu.ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        var login = new LoginPage(Page);
        await Expect(login.SignInButton).ToBeVisibleAsync();
        return login;
    }

    protected static string PathOf(string slug) => Uri.EscapeDataString(slug);
}
