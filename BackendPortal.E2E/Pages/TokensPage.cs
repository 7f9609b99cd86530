using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/profile/tokens: my personal access tokens, the New token dialog and the one-time display.</summary>
public sealed class TokensPage(IPage page) : PortalPage(page)
{
    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public ILocator Row(string name) => Page.Locator("tbody tr").Filter(new() { HasText = name });

    public ILocator StatusOf(string name) => Row(name).GetByTestId("token-status");

    public async Task<TokensPage> GotoAsync()
    {
        await Page.GotoAsync("profile/tokens");
        await WaitUntilInteractiveAsync();
        await Expect(Heading).ToHaveTextAsync("My tokens");
        return this;
    }

    /// <summary>Creates a token and returns its secret, read from the dialog that shows it once.</summary>
    public async Task<string> CreateAsync(string name, string[] scopes, int presetDays)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New token" }).ClickAsync();
        await Dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        foreach (var scope in scopes.Where(s => s != "read"))
        {
            await Dialog.GetByLabel(scope, new() { Exact = true }).CheckAsync();
        }
        await Dialog.GetByText($"{presetDays} days", new() { Exact = true }).ClickAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secret = Dialog.GetByLabel(name, new() { Exact = true });
        await Expect(secret).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^bp_"));
        var token = await secret.InputValueAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
        return token;
    }

    public async Task RevokeAsync(string name)
    {
        await Row(name).GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" }).ClickAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(StatusOf(name)).ToHaveTextAsync("revoked");
    }
}
