using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/graph: the dependency graph and the blast radius of a picked node.</summary>
public sealed class GraphPage(IPage page) : PortalPage(page)
{
    public ILocator Node(string kind, string slug) => Page.Locator($"[data-node='{kind}:{slug}']");

    public ILocator BlastSummary => Page.GetByTestId("blast-summary");

    public ILocator BlastItems => Page.GetByTestId("blast-items").Locator("tbody tr");

    public async Task<GraphPage> GotoAsync(string query = "")
    {
        await Page.GotoAsync("graph" + query);
        await WaitUntilInteractiveAsync();
        await Expect(Heading).ToHaveTextAsync("Dependency graph");
        return this;
    }

    public async Task PickAsync(string kind, string slug)
    {
        await Node(kind, slug).ClickAsync();
        await Expect(BlastSummary).ToBeVisibleAsync();
    }
}

/// <summary>The app bar's search box, focused with Ctrl+K from any page.</summary>
public sealed class GlobalSearchBox(IPage page)
{
    public ILocator Input => page.GetByTestId("global-search").Locator("input");

    public ILocator Hits => page.GetByTestId("search-hit");

    public async Task OpenWithShortcutAsync()
    {
        // The key handler is bound once the search box's module has loaded, a moment after the page is interactive.
        await Expect(page.Locator("[data-testid=global-search][data-shortcut=ready]")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Control+k");
        await Expect(Input).ToBeFocusedAsync();
    }
}
