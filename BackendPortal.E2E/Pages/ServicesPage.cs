using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>/services: the catalog grid.</summary>
public sealed class ServicesPage(IPage page) : PortalPage(page)
{
    /// <summary>In the page header; an empty catalog repeats it in its empty state.</summary>
    public ILocator NewServiceButton => Page.GetByRole(AriaRole.Button, new() { Name = "New service" });

    public ILocator Search => Page.GetByLabel("Search", new() { Exact = true });

    public ILocator ServiceLink(string name) => Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public async Task<ServicesPage> GotoAsync()
    {
        await Page.GotoAsync("services");
        await WaitUntilInteractiveAsync();
        await Expect(Heading).ToHaveTextAsync("Services");
        return this;
    }

    public async Task<ServiceForm> NewServiceAsync()
    {
        await NewServiceButton.First.ClickAsync();
        return await new ServiceForm(Page).ReadyAsync();
    }

    public ILocator Rows => Page.Locator(".services-grid tbody tr");

    /// <summary>
    /// The search is debounced, written to the address and then reloads the grid; a click on a row that the reload
    /// is about to replace is lost, so this waits until only matching rows are left.
    /// </summary>
    public async Task SearchAsync(string text)
    {
        await Search.FillAsync(text);
        await Expect(Page).ToHaveURLAsync(new Regex($"[?&]q={Regex.Escape(Uri.EscapeDataString(text))}(&|$)"));
        await Expect(Rows.Filter(new() { HasNotText = text })).ToHaveCountAsync(0);
        await Expect(Rows.Filter(new() { HasText = text }).First).ToBeVisibleAsync();
    }

    public async Task<ServiceDetailPage> OpenAsync(string name)
    {
        await ServiceLink(name).ClickAsync();
        var detail = new ServiceDetailPage(Page);
        await Expect(detail.Heading).ToHaveTextAsync(name);
        return detail;
    }
}
