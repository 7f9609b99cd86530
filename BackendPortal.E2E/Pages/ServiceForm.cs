using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Pages;

/// <summary>What a user types into the service form; null leaves a field as it is.</summary>
public sealed record ServiceValues(
    string? Slug = null,
    string? Name = null,
    string? OwnerTeam = null,
    string? Lifecycle = null,
    string? Tier = null,
    string? Languages = null,
    string? Framework = null,
    string? RepositoryUrl = null,
    string? RunbookUrl = null,
    string? Tags = null,
    string? Description = null);

/// <summary>The create/edit form for a service, the same in the dialog and on /services/{slug}/edit.</summary>
public sealed class ServiceForm(IPage page) : PortalPage(page)
{
    public ILocator Root => Page.Locator(".service-form");

    public ILocator Field(string label) => Root.GetByLabel(label, new() { Exact = true });

    public ILocator SaveButton => Root.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true });

    public ILocator CancelButton => Root.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true });

    public ILocator ConflictAlert => Page.GetByTestId("conflict-alert");

    public ILocator ReloadButton => ConflictAlert.GetByRole(AriaRole.Button, new() { Name = "Reload" });

    public ILocator OverwriteButton => ConflictAlert.GetByRole(AriaRole.Button, new() { Name = "Overwrite" });

    public async Task<ServiceForm> GotoEditAsync(string slug)
    {
        await Page.GotoAsync($"services/{PathOf(slug)}/edit");
        return await ReadyAsync();
    }

    public async Task<ServiceForm> ReadyAsync()
    {
        await WaitUntilInteractiveAsync();
        await Expect(Field("Name")).ToBeVisibleAsync();
        return this;
    }

    public async Task FillAsync(ServiceValues values)
    {
        await TypeAsync("Slug", values.Slug);
        await TypeAsync("Name", values.Name);
        await ChooseAsync("Owner team", values.OwnerTeam);
        await ChooseAsync("Lifecycle", values.Lifecycle);
        await ChooseAsync("Tier", values.Tier);
        await TypeAsync("Languages", values.Languages);
        await TypeAsync("Framework", values.Framework);
        await TypeAsync("Repository URL", values.RepositoryUrl);
        await TypeAsync("Runbook URL", values.RunbookUrl);
        await TypeAsync("Tags", values.Tags);
        await TypeAsync("Description", values.Description);
    }

    public Task SaveAsync() => SaveButton.ClickAsync();

    /// <summary>Both doors take the form away once the service is saved: the dialog closes, the page moves on.</summary>
    public async Task SaveAndCloseAsync()
    {
        await SaveAsync();
        await Expect(Root).ToHaveCountAsync(0);
    }

    private async Task TypeAsync(string label, string? value)
    {
        if (value is not null)
        {
            await Field(label).FillAsync(value);
        }
    }

    /// <summary>MudSelect: open it, then pick the option from the popover it opens.</summary>
    private async Task ChooseAsync(string label, string? option)
    {
        if (option is null)
        {
            return;
        }
        await Field(label).ClickAsync();
        var popover = Page.Locator(".mud-popover-open");
        await popover.GetByText(option, new() { Exact = true }).ClickAsync();
        await Expect(popover).ToHaveCountAsync(0);
    }
}
