using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>/teams/{slug}: one team, its members and the services it owns.</summary>
public sealed class TeamDetailPage(IPage page) : PortalPage(page)
{
    public ILocator Members => Page.GetByTestId("team-members");

    public async Task<TeamDetailPage> GotoAsync(string slug)
    {
        await Page.GotoAsync($"teams/{PathOf(slug)}");
        await WaitUntilInteractiveAsync();
        return this;
    }
}
