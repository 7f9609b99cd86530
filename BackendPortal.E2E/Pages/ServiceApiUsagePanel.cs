using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>The "Operations used" panel on a service's APIs tab.</summary>
public sealed class ServiceApiUsagePanel(IPage page) : PortalPage(page)
{
    public ILocator Api(string slug) => Page.GetByTestId($"api-usage-{slug}");

    public static async Task<ServiceApiUsagePanel> OpenAsync(ServiceDetailPage service)
    {
        await service.WaitUntilInteractiveAsync();
        await service.Page.GetByRole(AriaRole.Tab, new() { Name = "APIs" }).ClickAsync();
        var panel = new ServiceApiUsagePanel(service.Page);
        await Expect(panel.Page.GetByTestId("api-usage")).ToBeVisibleAsync();
        return panel;
    }

    /// <summary>Searches the API's latest operations, ticks the one named "METHOD /path" and saves.</summary>
    public async Task DeclareAsync(string api, string search, string operation)
    {
        var card = Api(api);
        await card.GetByTestId("choose-operations").ClickAsync();
        await card.GetByTestId("operation-search").Locator("input").FillAsync(search);
        var option = card.GetByTestId("operation-option").Filter(new() { HasText = operation });
        await Expect(card.GetByTestId("operation-option")).ToHaveCountAsync(1);
        await option.GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(card.GetByTestId("selected-count")).ToContainTextAsync("1 selected");
        await card.GetByTestId("save-usage").ClickAsync();
        await Expect(card.GetByTestId("declared-operations")).ToContainTextAsync(operation);
    }
}
