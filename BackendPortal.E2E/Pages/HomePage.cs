using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

public sealed class HomePage(IPage page) : PortalPage(page)
{
    public async Task<HomePage> GotoAsync()
    {
        await Page.GotoAsync("");
        return this;
    }
}
