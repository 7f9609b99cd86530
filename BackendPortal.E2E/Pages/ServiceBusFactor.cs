using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>The bus-factor warning the people module puts near the top of a service page.</summary>
public static class ServiceBusFactor
{
    public static ILocator BusFactorWarning(this ServiceDetailPage page) => page.Page.GetByTestId("bus-factor-warning");
}
