using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/incidents: the list and the "Report incident" form.</summary>
public sealed class IncidentsPage(IPage page) : PortalPage(page)
{
    public async Task<IncidentsPage> GotoAsync()
    {
        await Page.GotoAsync("incidents");
        await WaitUntilInteractiveAsync();
        return this;
    }

    /// <summary>Fills the form (severity stays at its default SEV3) and lands on the new incident's page.</summary>
    public async Task<IncidentPage> ReportAsync(string title, string services)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Report incident" }).ClickAsync();
        await Page.GetByLabel("Title").FillAsync(title);
        await Page.GetByLabel("Affected services").FillAsync(services);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open incident" }).ClickAsync();
        await Page.WaitForURLAsync("**/incidents/*");
        var incident = new IncidentPage(Page);
        await Expect(incident.Heading).ToContainTextAsync(title);
        return incident;
    }
}

/// <summary>/incidents/{id}: status buttons, the incident's timeline, notes and postmortem.</summary>
public sealed class IncidentPage(IPage page) : PortalPage(page)
{
    public ILocator Status => Page.GetByTestId("incident-status");

    public ILocator TimelineEntries => Page.GetByTestId("timeline-entry");

    public Task MarkAsync(string status) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"Mark {status}", Exact = true }).ClickAsync();
}
