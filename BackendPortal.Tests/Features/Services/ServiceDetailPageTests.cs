using BackendPortal.Components;
using BackendPortal.Data;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Services;

public class ServiceDetailPageTests : PortalTestContext
{
    [Fact]
    public async Task Shows_the_service_and_hides_edit_and_delete_from_viewers()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments", "production", "Go");
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<ServiceDetailPage>(p => p.Add(x => x.Slug, "orders-api"));

        cut.WaitForAssertion(() => Assert.Equal("Orders API", cut.Find("h1").TextContent.Trim()));
        Assert.NotNull(cut.Find("a[href='/teams/payments']"));
        Assert.Contains("Overview", cut.Markup);
        Assert.False(HasButton(cut, "Edit"));
        Assert.False(HasButton(cut, "Delete"));
    }

    [Fact]
    public async Task Owner_team_engineer_can_delete_after_confirming()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Pat Payments", Roles.Engineer, "payments");
        var cut = Render<ServiceDetailPage>(p => p.Add(x => x.Slug, "orders-api"));
        cut.WaitForAssertion(() => Assert.True(HasButton(cut, "Edit")));

        Button(cut, "Delete").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("This cannot be undone", DialogProvider.Markup));
        DialogProvider.FindAll("button").Last(b => b.TextContent.Trim() == "Delete").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("/services", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri));
        Assert.Equal(0, (await Catalog.QueryAsync(new ServiceFilter(), ServiceSort.Name, false, 0, 10)).Total);
    }

    [Fact]
    public async Task Unknown_slug_shows_a_friendly_not_found_with_a_way_back()
    {
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<ServiceDetailPage>(p => p.Add(x => x.Slug, "nope"));

        cut.WaitForAssertion(() => Assert.Contains("Service not found", cut.Find("h1").TextContent));
        Assert.NotNull(cut.Find("a[href='/services']"));
    }
}
