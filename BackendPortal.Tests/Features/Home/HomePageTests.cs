using BackendPortal.Components;
using BackendPortal.Data;
using Bunit;

namespace BackendPortal.Features.Home;

public class HomePageTests : PortalTestContext
{
    [Fact]
    public async Task Greets_the_user_and_lists_their_teams_and_services()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateTeamAsync("search", "Search");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await CreateServiceAsync("indexer", "Indexer", "search");
        await SignInAsync("Pat Payments", Roles.Engineer, "payments");

        var cut = Render<HomePage>();

        cut.WaitForAssertion(() => Assert.Equal("Welcome, Pat Payments", cut.Find("[data-testid=greeting]").TextContent.Trim()));
        var teams = cut.Find("[data-testid=my-teams]").TextContent;
        Assert.Contains("Payments", teams);
        Assert.Contains("member · 1 service", teams);
        Assert.DoesNotContain("Search", teams);
        Assert.NotNull(cut.Find("[data-testid=my-services] a[href='/services/orders-api']"));
        Assert.Empty(cut.FindAll("[data-testid=my-services] a[href='/services/indexer']"));
        Assert.NotNull(cut.Find("a[href='/services/new']"));
        Assert.NotNull(cut.Find("a[href='/api/docs']"));
    }

    [Fact]
    public async Task A_user_without_a_team_gets_a_friendly_empty_state_and_no_new_service_link_as_viewer()
    {
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<HomePage>();

        cut.WaitForAssertion(() => Assert.Contains("You are not in a team yet", cut.Find("[data-testid=my-teams]").TextContent));
        Assert.Empty(cut.FindAll("a[href='/services/new']"));
        Assert.NotNull(cut.Find("a[href='/services']"));
    }
}
