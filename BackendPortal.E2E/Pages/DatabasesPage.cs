using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>/databases: the list with its filters.</summary>
public sealed class DatabasesPage(IPage page) : PortalPage(page)
{
    public ILocator Search => Page.GetByLabel("Search");

    public ILocator DatabaseLink(string name) => Page.GetByTestId("databases-grid").GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public async Task<DatabasesPage> GotoAsync(string? query = null)
    {
        await Page.GotoAsync("databases" + (query is null ? "" : "?" + query));
        await WaitUntilInteractiveAsync();
        return this;
    }
}
