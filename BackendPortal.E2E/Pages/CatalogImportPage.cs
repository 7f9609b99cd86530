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

    public async Task UploadAsync(string path)
    {
        await Page.Locator("input[type=file]").SetInputFilesAsync(path);
        await Expect(Page.GetByText(Path.GetFileName(path))).ToBeVisibleAsync();
    }

    public ILocator Row(string name) => PreviewRows.Filter(new() { HasText = name });
}
