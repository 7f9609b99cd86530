using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>/status: every check worst first, updated live.</summary>
public sealed class StatusBoardPage(IPage page) : PortalPage(page)
{
    public ILocator Row(string slug) => Page.Locator($"[data-testid=status-row][data-slug='{slug}']");

    public ILocator Status(string slug) => Row(slug).GetByTestId("health-status");

    public ILocator DownCount => Page.GetByTestId("count-down");

    public async Task<StatusBoardPage> GotoAsync()
    {
        await Page.GotoAsync("status");
        await WaitUntilInteractiveAsync();
        return this;
    }
}
