using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/catalog/import: paste or upload Backstage YAML, preview, import.</summary>
public sealed class CatalogImportPage(IPage page) : PortalPage(page)
{
    public ILocator PreviewButton => Page.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true });

    public ILocator ImportButton => Page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true });

    public ILocator Result => Page.GetByTestId("import-result");

    public ILocator PreviewRows => Page.Locator("[aria-label=Preview] tbody tr");

    public async Task<CatalogImportPage> GotoAsync()
    {
        await Page.GotoAsync("catalog/import");
        await WaitUntilInteractiveAsync();
        await Expect(Heading).ToHaveTextAsync("Import from Backstage");
        return this;
    }

    /// <summary>
    /// MudFileUpload listens to its input once its script has run, which on a cold server can be after the page is
    /// interactive: a file set before that is not seen. So set it again until its chip shows (the page replaces a file
    /// of the same name, so a second delivery lists it once).
    /// </summary>
    public async Task UploadAsync(string path)
    {
        var chip = Page.GetByText(Path.GetFileName(path) + " (");
        for (var attempt = 1; ; attempt++)
        {
            await Page.Locator("input[type=file]").SetInputFilesAsync(path);
            try
            {
                await Expect(chip).ToBeVisibleAsync(new() { Timeout = 3_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
            }
        }
    }

    public ILocator Row(string name) => PreviewRows.Filter(new() { HasText = name });
}
