using BackendPortal.Components;
using BackendPortal.Data;
using Bunit;

namespace BackendPortal.Features.Services;

public class ServicesPageTests : PortalTestContext
{
    [Fact]
    public async Task Grid_shows_a_row_per_service_with_a_link_to_its_page()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments", "production", "C#");
        await CreateServiceAsync("ledger", "Ledger", "payments", "deprecated", "Java");
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<ServicesPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr.mud-table-row").Count));
        var link = cut.Find("a[href='/services/orders-api']");
        Assert.Equal("Orders API", link.TextContent.Trim());
        Assert.Contains("deprecated", cut.Find("tbody").TextContent);
        Assert.Contains("Java", cut.Find("tbody").TextContent);
        Assert.DoesNotContain("No services yet", cut.Markup);
    }

    [Fact]
    public async Task Empty_catalog_shows_the_empty_state_with_new_service_for_writers()
    {
        await SignInAsync("Erin Engineer", Roles.Engineer);

        var cut = Render<ServicesPage>();

        cut.WaitForAssertion(() => Assert.Contains("No services yet", cut.Find("[data-testid=empty-state]").TextContent));
        Assert.Equal(2, cut.FindAll("button").Count(b => b.TextContent.Trim() == "New service"));
    }

    [Fact]
    public async Task Viewers_get_the_empty_state_without_a_new_service_button()
    {
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<ServicesPage>();

        cut.WaitForAssertion(() => Assert.Contains("No services yet", cut.Markup));
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "New service");
    }

    [Fact]
    public async Task Filter_from_the_url_narrows_the_grid_and_the_csv_link()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateTeamAsync("search", "Search");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await CreateServiceAsync("indexer", "Indexer", "search");
        await SignInAsync("Vera Viewer", Roles.Viewer);

        NavigateTo("/services?owner=search");

        var cut = Render<ServicesPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr.mud-table-row")));
        Assert.NotNull(cut.Find("a[href='/services/indexer']"));
        Assert.Equal("/api/v1/services/export.csv?owner=search", cut.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_says_so_instead_of_no_services_yet()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Vera Viewer", Roles.Viewer);

        NavigateTo("/services?q=no-such-thing");

        var cut = Render<ServicesPage>();

        cut.WaitForAssertion(() => Assert.Contains("No services match these filters", cut.Markup));
        Assert.DoesNotContain("No services yet", cut.Markup);
    }
}
