using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Security;
using Bunit;

namespace BackendPortal.Features.Teams;

public class TeamFormTests : PortalTestContext
{
    [Fact]
    public async Task Invalid_slug_and_missing_name_are_shown_and_nothing_is_created()
    {
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<TeamForm>();
        cut.WaitForAssertion(() => FieldOf(cut, "Slug"));

        Type(cut, "Slug", "bad slug");
        Button(cut, "Save").Click();

        cut.WaitForAssertion(() => Assert.Contains(Slug.RuleText, ErrorOf(cut, "Slug")));
        Assert.Equal("Name is required.", ErrorOf(cut, "Name"));
        Assert.Equal(0, (await Teams.QueryAsync(Actor.System, null, false, 0, 10)).Total);
    }

    [Fact]
    public async Task Team_edit_conflict_offers_reload_and_overwrite()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<TeamForm>(p => p.Add(f => f.Slug, "payments"));
        cut.WaitForAssertion(() => FieldOf(cut, "Name"));
        var bob = new Actor("bob-id", "bob", new HashSet<string> { Roles.Admin }, null);
        var current = await Teams.GetAsync("payments");
        await Teams.UpdateAsync(bob, "payments", new TeamInput { Slug = "payments", Name = "Payments (Bob)" }, current.Version);

        Type(cut, "Name", "Payments (Alice)");
        Button(cut, "Save").Click();
        cut.WaitForAssertion(() => Assert.Contains("was changed by bob", cut.Find("[data-testid=conflict-alert]").TextContent));
        Button(cut, "Overwrite").Click();

        cut.WaitForAssertion(() => Assert.Equal("Payments (Alice)", Teams.GetAsync("payments").GetAwaiter().GetResult().Name));
    }
}
