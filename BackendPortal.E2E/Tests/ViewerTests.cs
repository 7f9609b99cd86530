using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class ViewerTests(PortalFixture portal)
{
    [Fact]
    public async Task A_viewer_sees_no_edit_controls_and_is_refused_the_edit_page()
    {
        var viewer = await portal.CreateUserAsync("Viewer", "Vic Viewer");
        var service = await portal.GivenServiceAsync();
        await using var context = await portal.NewContextAsync();
        var page = (await LoginPage.SignInAsync(context, viewer)).Page;

        var services = await new ServicesPage(page).GotoAsync();
        await services.SearchAsync(service.Slug);
        await Expect(services.ServiceLink(service.Name)).ToBeVisibleAsync();
        await Expect(services.NewServiceButton).ToHaveCountAsync(0);

        var detail = await services.OpenAsync(service.Name);
        await Expect(detail.EditButton).ToHaveCountAsync(0);
        await Expect(detail.DeleteButton).ToHaveCountAsync(0);

        await page.GotoAsync($"services/{service.Slug}/edit");
        await Expect(detail.Forbidden).ToBeVisibleAsync();
        await Expect(page.Locator(".service-form")).ToHaveCountAsync(0);
    }
}
