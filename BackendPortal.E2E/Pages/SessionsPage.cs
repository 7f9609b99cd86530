using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/profile/sessions: the browsers signed in to my account and "Sign out other sessions".</summary>
public sealed class SessionsPage(IPage page) : PortalPage(page)
{
    public ILocator Rows => Page.GetByTestId("sessions-table").Locator("tbody tr");

    public ILocator Snackbar => Page.Locator(".mud-snackbar");

    public async Task<SessionsPage> GotoAsync()
    {
        await Page.GotoAsync("profile/sessions");
        await WaitUntilInteractiveAsync();
        await Expect(Heading).ToHaveTextAsync("My sessions");
        return this;
    }

    public async Task SignOutOthersAsync()
    {
        await Page.GetByTestId("end-other-sessions").ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Sign out others", Exact = true }).ClickAsync();
    }
}
