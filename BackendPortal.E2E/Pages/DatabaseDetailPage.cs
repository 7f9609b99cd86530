using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>/databases/{slug}: one database with its tabs (overview, migrations, size, slow queries, backups).</summary>
public sealed class DatabaseDetailPage(IPage page) : PortalPage(page)
{
    public ILocator Tab(string name) => Page.GetByRole(AriaRole.Tab, new() { Name = name });

    public ILocator Ledger(string environment) => Page.GetByTestId($"ledger-{environment}");

    public ILocator Behind(string environment) => Page.GetByTestId($"behind-{environment}");

    public async Task<DatabaseDetailPage> GotoAsync(string slug)
    {
        await Page.GotoAsync($"databases/{PathOf(slug)}");
        await WaitUntilInteractiveAsync();
        return this;
    }

    public async Task OpenTabAsync(string name)
    {
        await WaitUntilInteractiveAsync();
        await Tab(name).ClickAsync();
    }
}
