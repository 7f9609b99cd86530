using BackendPortal.E2E.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/Account/Login: the template's static sign-in form, field names kept for password managers.</summary>
public sealed class LoginPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 });

    public ILocator Email => Page.Locator("#Input\\.Email");

    public ILocator Password => Page.Locator("#Input\\.Password");

    public ILocator SignInButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });

    /// <summary>Opens a new tab in the context and signs in there: the start of most tests.</summary>
    public static async Task<HomePage> SignInAsync(IBrowserContext context, PortalUser user)
    {
        var login = await new LoginPage(await context.NewPageAsync()).GotoAsync();
        return await login.SignInAsync(user);
    }

    public async Task<LoginPage> GotoAsync()
    {
        await Page.GotoAsync("Account/Login");
        return this;
    }

    public async Task<HomePage> SignInAsync(PortalUser user)
    {
        await Email.FillAsync(user.Email);
        await Password.FillAsync(user.Password);
        await SignInButton.ClickAsync();
        var home = new HomePage(Page);
        await Expect(home.Heading).ToHaveTextAsync("Home");
        return home;
    }
}
