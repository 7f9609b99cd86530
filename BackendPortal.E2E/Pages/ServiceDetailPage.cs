using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/services/{slug}: one service, with Edit and Delete for those who may.</summary>
public sealed class ServiceDetailPage(IPage page) : PortalPage(page)
{
    public ILocator EditButton => Page.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true })
        .Or(Page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }));

    public ILocator DeleteButton => Page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true });

    public async Task<ServiceDetailPage> GotoAsync(string slug)
    {
        await Page.GotoAsync($"services/{PathOf(slug)}");
        await WaitUntilInteractiveAsync();
        return this;
    }

    public async Task<ServiceForm> EditAsync()
    {
        await WaitUntilInteractiveAsync();
        await EditButton.ClickAsync();
        return await new ServiceForm(Page).ReadyAsync();
    }

    public async Task ExpectShowsAsync(string name)
    {
        await Expect(Heading).ToHaveTextAsync(name);
    }
}
