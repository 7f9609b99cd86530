using BackendPortal.Components;
using BackendPortal.Data;
using Bunit;

namespace BackendPortal.Features.Teams;

public class TeamDetailPageTests : PortalTestContext
{
    [Fact]
    public async Task Deleting_a_team_that_owns_services_shows_why_it_cannot()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<TeamDetailPage>(p => p.Add(x => x.Slug, "payments"));
        cut.WaitForAssertion(() => Assert.Equal("Payments", cut.Find("h1").TextContent.Trim()));
        Assert.NotNull(cut.Find("a[href='/services/orders-api']"));

        Button(cut, "Delete").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("This cannot be undone", DialogProvider.Markup));
        DialogProvider.FindAll("button").Last(b => b.TextContent.Trim() == "Delete").Click();

        cut.WaitForAssertion(() => Assert.Contains("still owns 1 service", cut.Find("[data-testid=team-alert]").TextContent));
        Assert.Equal("payments", (await Teams.GetAsync("payments")).Slug);
    }

    [Fact]
    public async Task Members_see_the_team_but_only_leads_and_admins_get_edit()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Pat Payments", Roles.Engineer, "payments");

        var cut = Render<TeamDetailPage>(p => p.Add(x => x.Slug, "payments"));

        cut.WaitForAssertion(() => Assert.Contains("Pat Payments", cut.Find("[data-testid=team-members]").TextContent));
        Assert.False(HasButton(cut, "Edit"));
        Assert.False(HasButton(cut, "Delete"));
    }
}
