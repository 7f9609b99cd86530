using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>/setup?token=…: the one-time page that creates the first admin (static, no circuit).</summary>
public sealed class SetupPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Create the first admin" });

    public ILocator Success => Page.GetByRole(AriaRole.Status);

    public ILocator CreateAdminButton => Page.GetByRole(AriaRole.Button, new() { Name = "Create admin" });

    public ILocator InvalidLink => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "This setup link is not valid" });

    public async Task GotoAsync(string setupUrl) => await Page.GotoAsync(setupUrl);

    public async Task CreateAdminAsync(string email, string name, string password)
    {
        await Page.GetByLabel("E-mail", new() { Exact = true }).FillAsync(email);
        await Page.GetByLabel("Display name", new() { Exact = true }).FillAsync(name);
        await Page.GetByLabel("Password (at least 12 characters)", new() { Exact = true }).FillAsync(password);
        await Page.GetByLabel("Confirm password", new() { Exact = true }).FillAsync(password);
        await CreateAdminButton.ClickAsync();
    }
}
