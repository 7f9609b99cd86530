using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>/Account/Manage/EnableAuthenticator: the shared key, and the form that checks the first code.</summary>
public sealed class EnableAuthenticatorPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator RequiredNotice => Page.GetByTestId("admin-2fa-required");

    public ILocator SharedKey => Page.Locator("kbd").First;

    public ILocator Code => Page.Locator("#Input\\.Code");

    public ILocator Verify => Page.GetByRole(AriaRole.Button, new() { Name = "Verify" });

    public ILocator Verified => Page.GetByText("Your authenticator app has been verified");

    public async Task SubmitCodeAsync(Func<string, string> codeFromKey)
    {
        var key = (await SharedKey.InnerTextAsync()).Trim();
        await Code.FillAsync(codeFromKey(key));
        await Verify.ClickAsync();
    }
}
