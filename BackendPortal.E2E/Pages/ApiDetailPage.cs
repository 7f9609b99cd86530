using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/apis/{slug}: versions with their score, the upload dialog, the breaking changes of the latest version.</summary>
public sealed class ApiDetailPage(IPage page) : PortalPage(page)
{
    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public ILocator UploadResult => Dialog.GetByTestId("upload-result");

    public ILocator Versions => Page.GetByTestId("versions-table").Locator("tbody tr");

    public ILocator Changes => Page.GetByTestId("changes").Locator("tbody tr");

    public async Task<ApiDetailPage> GotoAsync(string slug)
    {
        await Page.GotoAsync($"apis/{PathOf(slug)}");
        await WaitUntilInteractiveAsync();
        return this;
    }

    /// <summary>
    /// Opens the upload dialog and picks a file through its file input (what drag-and-drop feeds too). MudFileUpload
    /// listens to its input only once its script has run in the just-opened dialog, so the file is set again until
    /// its name shows (the dialog holds one file, so a second delivery replaces the first).
    /// </summary>
    public async Task UploadFileAsync(string fileName, string content)
    {
        await OpenUploadAsync();
        var file = new FilePayload
        {
            Name = fileName,
            MimeType = "application/yaml",
            Buffer = System.Text.Encoding.UTF8.GetBytes(content),
        };
        for (var attempt = 1; ; attempt++)
        {
            await Dialog.Locator("input[type=file]").SetInputFilesAsync(file);
            try
            {
                await Expect(Dialog.GetByTestId("spec-file-name")).ToContainTextAsync(fileName, new() { Timeout = 3_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
            }
        }
        await Dialog.GetByTestId("spec-upload").ClickAsync();
    }

    /// <summary>Opens the upload dialog and pastes the document.</summary>
    public async Task UploadPastedAsync(string content)
    {
        await OpenUploadAsync();
        var paste = Dialog.GetByLabel("…or paste the document");
        await paste.FillAsync(content);
        await paste.BlurAsync();
        await Expect(Dialog.GetByTestId("spec-upload")).ToBeEnabledAsync();
        await Dialog.GetByTestId("spec-upload").ClickAsync();
    }

    public async Task CloseDialogAsync()
    {
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).Last.ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
    }

    public async Task OpenTabAsync(string name) =>
        await Page.GetByRole(AriaRole.Tab, new() { Name = name }).ClickAsync();

    private async Task OpenUploadAsync()
    {
        await Page.GetByTestId("upload-version").ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();
    }
}
