using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>The Quality tab of /services/{slug}: runs, flaky tests with their quarantine.</summary>
public sealed class QualityTab(IPage page) : PortalPage(page)
{
    public ILocator Runs => Page.GetByTestId("quality-runs").Locator("tbody tr");

    public ILocator FlakyList => Page.GetByTestId("flaky-list");

    public ILocator FlakyRow(string testName) => Page.GetByTestId("flaky-row").Filter(new() { HasText = testName });

    public static async Task<QualityTab> OpenAsync(ServiceDetailPage service)
    {
        await service.WaitUntilInteractiveAsync();
        await service.Page.GetByRole(AriaRole.Tab, new() { Name = "Quality" }).ClickAsync();
        return new QualityTab(service.Page);
    }

    public async Task QuarantineAsync(string testName, string note)
    {
        await FlakyRow(testName).GetByRole(AriaRole.Button, new() { Name = "Quarantine" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Note").FillAsync(note);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Quarantine", Exact = true }).ClickAsync();
    }
}
