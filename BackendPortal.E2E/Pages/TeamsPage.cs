using BackendPortal.E2E.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/teams: the list of teams, and the dialog that creates one.</summary>
public sealed class TeamsPage(IPage page) : PortalPage(page)
{
    public ILocator NewTeamButton => Page.GetByRole(AriaRole.Button, new() { Name = "New team" });

    public ILocator TeamLink(string name) => Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public async Task<TeamsPage> GotoAsync()
    {
        await Page.GotoAsync("teams");
        await WaitUntilInteractiveAsync();
        await Expect(Heading).ToHaveTextAsync("Teams");
        return this;
    }

    /// <summary>Fills the New team dialog and saves; the portal then shows the new team.</summary>
    public async Task<TeamDetailPage> CreateTeamAsync(string slug, string name, string description, PortalUser? member = null)
    {
        await NewTeamButton.First.ClickAsync();
        await Dialog.GetByLabel("Slug", new() { Exact = true }).FillAsync(slug);
        await Dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Dialog.GetByLabel("Description", new() { Exact = true }).FillAsync(description);
        if (member is not null)
        {
            await Dialog.GetByLabel("Add member", new() { Exact = true }).FillAsync(member.Name);
            await Page.Locator(".mud-popover-open").GetByText($"{member.Name} ({member.PersonSlug})", new() { Exact = true }).ClickAsync();
            await Expect(Dialog.GetByTestId("member-editor")).ToContainTextAsync(member.Name);
        }
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
        var detail = new TeamDetailPage(Page);
        await Expect(detail.Heading).ToHaveTextAsync(name);
        return detail;
    }
}
