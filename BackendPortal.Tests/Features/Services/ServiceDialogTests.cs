using BackendPortal.Components;
using BackendPortal.Data;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackendPortal.Features.Services;

public class ServiceDialogTests : PortalTestContext
{
    [Fact]
    public async Task New_service_from_the_list_opens_the_dialog_saves_and_shows_the_row()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Pat Payments", Roles.Engineer, "payments");
        var cut = Render<ServicesPage>();
        cut.WaitForAssertion(() => Assert.Contains("No services yet", cut.Markup));

        Button(cut, "New service").Click();
        DialogProvider.WaitForAssertion(() => FieldOf(DialogProvider, "Slug"));
        Type(DialogProvider, "Slug", "orders-api");
        Type(DialogProvider, "Name", "Orders API");
        Button(DialogProvider, "Save").Click();

        cut.WaitForAssertion(() => Assert.Equal("Orders API", cut.Find("a[href='/services/orders-api']").TextContent.Trim()));
        DialogProvider.WaitForAssertion(() => Assert.Empty(DialogProvider.FindAll(".mud-dialog")));
        Assert.Equal("payments", (await Catalog.GetAsync("orders-api")).Owner);
    }

    [Fact]
    public async Task Cancel_closes_the_dialog_without_saving()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<ServiceDetails?> shown = null!;
        // Not awaited inside InvokeAsync: the task only ends when the dialog closes.
        await DialogProvider.InvokeAsync(() => { shown = ServiceDialog.ShowAsync(dialogs); });
        DialogProvider.WaitForAssertion(() => FieldOf(DialogProvider, "Slug"));
        Type(DialogProvider, "Slug", "orders-api");

        Button(DialogProvider, "Cancel").Click();

        Assert.Null(await shown.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, (await Catalog.QueryAsync(new ServiceFilter(), ServiceSort.Name, false, 0, 10)).Total);
    }
}
