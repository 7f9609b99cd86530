using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Teams;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackendPortal.Features.People;

public class PersonEditPageTests : PortalTestContext
{
    private PeopleService People => Services.GetRequiredService<PeopleService>();

    private async Task MakeLeadAsync(string person, string team)
    {
        await using var db = await DbAsync();
        var membership = await db.TeamMembers.SingleAsync(m => m.Person.SlugKey == person && m.Team.SlugKey == team);
        membership.Role = TeamRole.Lead;
        await db.SaveChangesAsync();
    }

    private async Task AccountAsync(string email)
    {
        await using var db = await DbAsync();
        db.Users.Add(new ApplicationUser
        {
            Id = Guid.NewGuid().ToString(),
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = email,
            SecurityStamp = Guid.NewGuid().ToString(),
        });
        await db.SaveChangesAsync();
    }

    private static Task PickLevelAsync(IRenderedComponent<PersonEditPage> cut, string level) =>
        cut.InvokeAsync(() => cut.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync(level));

    private static Task TickTeamAsync(IRenderedComponent<PersonEditPage> cut, string teamName) =>
        cut.InvokeAsync(() => cut.FindComponents<MudCheckBox<bool>>().Single(c => c.Instance.Label == teamName).Instance.ValueChanged.InvokeAsync(true));

    [Fact]
    public async Task An_admin_sees_field_errors_then_creates_a_person_in_a_team_linked_to_an_account()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateTeamAsync("orders", "Orders");
        await AccountAsync("grace@example.com");
        await SignInAsync("Ada Admin", Roles.Admin);

        var cut = Render<PersonEditPage>();
        cut.WaitForAssertion(() => Assert.True(HasButton(cut, "Create person")));
        Button(cut, "Create person").Click();

        cut.WaitForAssertion(() => Assert.NotNull(ErrorOf(cut, "Name")));
        Assert.NotNull(ErrorOf(cut, "Slug"));
        Assert.Contains("level is required", ErrorOf(cut, "Level"));
        Assert.Null(await (await DbAsync()).People.FirstOrDefaultAsync(p => p.Name == "Grace Hopper"));

        Type(cut, "Name", "Grace Hopper");
        Type(cut, "Slug", "grace-hopper");
        Type(cut, "Title", "Staff engineer");
        Type(cut, "Linked sign-in account", "nobody@example.com");
        await PickLevelAsync(cut, "staff");
        await TickTeamAsync(cut, "Payments");
        Button(cut, "Create person").Click();
        cut.WaitForAssertion(() => Assert.Contains("There is no sign-in account", ErrorOf(cut, "Linked sign-in account")));

        Type(cut, "Linked sign-in account", "grace@example.com");
        Button(cut, "Create person").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("/people/grace-hopper", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri));
        var saved = await People.GetAsync("grace-hopper");
        Assert.Equal("Staff engineer", saved.Title);
        Assert.Equal("staff", saved.Level);
        Assert.Equal("grace@example.com", saved.Account);
        Assert.Equal(["payments"], saved.Teams.Select(t => t.Team));
    }

    [Fact]
    public async Task A_lead_only_offers_the_teams_they_lead_and_others_are_refused()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateTeamAsync("orders", "Orders");
        await SignInAsync("Lee Lead", Roles.Engineer, "payments");
        await MakeLeadAsync("lee-lead", "payments");

        var cut = Render<PersonEditPage>();
        cut.WaitForAssertion(() => Assert.True(HasButton(cut, "Create person")));
        Assert.Equal(["Payments"], cut.FindComponents<MudCheckBox<bool>>().Select(c => c.Instance.Label));
        Assert.Empty(cut.FindAll("#person-account"));

        Type(cut, "Name", "New Hire");
        Type(cut, "Slug", "new-hire");
        await PickLevelAsync(cut, "junior");
        Button(cut, "Create person").Click();
        cut.WaitForAssertion(() => Assert.Contains("teams they lead", cut.Find("[data-testid=person-edit-alert]").TextContent));

        await TickTeamAsync(cut, "Payments");
        Button(cut, "Create person").Click();
        cut.WaitForAssertion(() => Assert.EndsWith("/people/new-hire", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.Equal("junior", (await People.GetAsync("new-hire")).Level);
    }

    [Fact]
    public async Task A_viewer_cannot_create_but_edits_their_own_title_without_level_or_teams()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Vic Viewer", Roles.Viewer, "payments");

        var create = Render<PersonEditPage>();
        create.WaitForAssertion(() => Assert.NotNull(create.Find("[data-testid=person-edit-forbidden]")));
        Assert.False(HasButton(create, "Create person"));

        var cut = Render<PersonEditPage>(p => p.Add(x => x.Slug, "vic-viewer"));
        cut.WaitForAssertion(() => Assert.True(HasButton(cut, "Save")));
        Assert.True(cut.FindComponent<MudSelect<string>>().Instance.Disabled);
        Assert.Contains("Payments", cut.Find("[data-testid=person-fixed-teams]").TextContent);
        Type(cut, "Title", "Support analyst");
        Button(cut, "Save").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("/people/vic-viewer", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.Equal("Support analyst", (await People.GetAsync("vic-viewer")).Title);
        Assert.Equal(["payments"], (await People.GetAsync("vic-viewer")).Teams.Select(t => t.Team));
    }

    [Fact]
    public async Task Someone_else_gets_the_refusal_on_the_edit_page()
    {
        await CreateTeamAsync("payments", "Payments");
        await People.CreateAsync(BackendPortal.Security.Actor.System, new PersonInput { Slug = "alan", Name = "Alan", Level = "senior", Teams = ["payments"] });
        await SignInAsync("Eve Engineer", Roles.Engineer);

        var cut = Render<PersonEditPage>(p => p.Add(x => x.Slug, "alan"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=person-edit-forbidden]")));
    }
}
