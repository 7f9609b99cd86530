using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/admin/users: the admin's list of accounts and the actions on each row.</summary>
public sealed class UsersAdminPage(IPage page) : PortalPage(page)
{
    public ILocator Search => Page.GetByLabel("Search e-mail or name");

    public ILocator Grid => Page.GetByTestId("users-grid");

    public ILocator Row(string email) => Grid.Locator("tr").Filter(new() { HasText = email });

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public ILocator Snackbar => Page.Locator(".mud-snackbar");

    public async Task<UsersAdminPage> GotoAsync()
    {
        await Page.GotoAsync("admin/users");
        await WaitUntilInteractiveAsync();
        await Expect(Heading).ToHaveTextAsync("Users");
        return this;
    }

    public async Task FindAsync(string email)
    {
        await Search.FillAsync(email);
        // The grid reloads after the debounce; only then is the user's row the only one.
        await Expect(Grid.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(Row(email)).ToHaveCountAsync(1);
    }

    /// <summary>Creates a user in the New user dialog and returns the one-time set-password link it shows.</summary>
    public async Task<string> CreateUserAsync(string email, string name, string role)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        await Dialog.GetByLabel("E-mail").FillAsync(email);
        await Dialog.GetByLabel("Display name").FillAsync(name);
        await Dialog.GetByLabel(role, new() { Exact = true }).CheckAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(Dialog).ToContainTextAsync("expires in 24 hours and works once");
        var link = await Dialog.Locator("#set-password-link").InputValueAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
        return link;
    }

    /// <summary>Opens the row's action menu, picks the action and confirms it.</summary>
    public async Task RunActionAsync(string email, string action, string confirm)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Actions for {email}" }).ClickAsync();
        await Page.Locator(".mud-popover-open").GetByText(action, new() { Exact = true }).ClickAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = confirm, Exact = true }).ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
    }
}
