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

    /// <summary>The search is debounced and then written to the address; waiting for that keeps a later click from racing it.</summary>
    public async Task SearchAsync(string text)
    {
        await Search.FillAsync(text);
        await Expect(Page).ToHaveURLAsync(new Regex($"[?&]q={Regex.Escape(Uri.EscapeDataString(text))}(&|$)"));
    }

    public async Task<ServiceDetailPage> OpenAsync(string name)
    {
        await ServiceLink(name).ClickAsync();
        var detail = new ServiceDetailPage(Page);
        await Expect(detail.Heading).ToHaveTextAsync(name);
        return detail;
    }
}
