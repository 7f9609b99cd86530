using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/people/new and /people/{slug}/edit: a person's profile, level and teams.</summary>
public sealed class PersonEditPage(IPage page) : PortalPage(page)
{
    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true });

    public ILocator Alert => Page.GetByTestId("person-edit-alert");

    public ILocator CreateButton => Page.GetByRole(AriaRole.Button, new() { Name = "Create person", Exact = true });

    public ILocator SaveButton => Page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true });

    public async Task<PersonEditPage> GotoNewAsync()
    {
        await Page.GotoAsync("people/new");
        await WaitUntilInteractiveAsync();
        return this;
    }

    public async Task<PersonEditPage> GotoEditAsync(string slug)
    {
        await Page.GotoAsync($"people/{PathOf(slug)}/edit");
        await WaitUntilInteractiveAsync();
        return this;
    }

    public Task CheckTeamAsync(string teamName) =>
        Page.GetByTestId("person-teams").GetByLabel(teamName, new() { Exact = true }).CheckAsync();

    /// <summary>MudSelect: open it, then pick the option from the popover it opens.</summary>
    public async Task ChooseLevelAsync(string level)
    {
        await Field("Level").ClickAsync();
        var popover = Page.Locator(".mud-popover-open");
        await popover.GetByText(level, new() { Exact = true }).ClickAsync();
        await Expect(popover).ToHaveCountAsync(0);
    }
}
