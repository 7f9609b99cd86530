using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using Bunit;

namespace BackendPortal.Features.Teams;

public class TeamsPageTests : PortalTestContext
{
    [Fact]
    public async Task Lists_teams_with_counts_and_my_teams_narrows_to_mine()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateTeamAsync("search", "Search");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Sam Search", Roles.Engineer, "search");

        var cut = Render<TeamsPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr.mud-table-row").Count));
        var payments = cut.FindAll("tbody tr.mud-table-row").Single(r => r.TextContent.Contains("Payments"));
        Assert.NotNull(payments.QuerySelector("a[href='/teams/payments']"));
        Assert.Equal("1", payments.QuerySelector("a[href='/services?owner=payments']")!.TextContent.Trim());
        Assert.True(HasButton(cut, "New team"));

        cut.Find("input[type=checkbox]").Change(true);

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr.mud-table-row")));
        Assert.Contains("Search", cut.Find("tbody").TextContent);
    }

    [Fact]
    public async Task Viewer_sees_no_new_team_button()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<TeamsPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr.mud-table-row")));
        Assert.False(HasButton(cut, "New team"));
    }
}
