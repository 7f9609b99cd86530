using BackendPortal.Data;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using BackendPortal.Features.People;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using PersonEditPage = BackendPortal.E2E.Pages.PersonEditPage;
using PersonPage = BackendPortal.E2E.Pages.PersonPage;
using ServiceDetailPage = BackendPortal.E2E.Pages.ServiceDetailPage;
using TeamDetailPage = BackendPortal.E2E.Pages.TeamDetailPage;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class PeopleTests(PortalFixture portal)
{
    [Fact]
    public async Task An_engineer_rates_their_own_skills_and_sees_the_gap_to_their_level()
    {
        var engineer = await portal.CreateUserAsync("Engineer", "Rita Rater");
        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, engineer);
        var person = await new PersonPage(home.Page).GotoAsync(engineer.PersonSlug);

        await Expect(person.Gap("junior")).ToContainTextAsync("Debugging");
        await Expect(person.Gap("junior")).ToContainTextAsync("Meets 0 of 4");

        await person.RateAsync(("Debugging", 3), ("SQL", 2), ("Java", 4));

        await Expect(person.Rating("java")).ToContainTextAsync("4 · expert");
        await Expect(person.Rating("debugging")).ToContainTextAsync("3 · strong");
        await Expect(person.Gap("junior")).ToContainTextAsync("Meets 2 of 4");
        await Expect(person.Gap("junior")).Not.ToContainTextAsync("Debugging");
        await Screenshots.SaveAsync(person.Page, "person-skills");
    }

    [Fact]
    public async Task A_bus_factor_warning_appears_on_a_service_when_its_experts_leave_the_team()
    {
        var viewer = await portal.CreateUserAsync("Viewer", "Vera Viewer");
        var (service, first, second, team) = await portal.WithServiceAsync(async services =>
        {
            var people = services.GetRequiredService<PeopleService>();
            var teamSlug = Unique.Slug("team");
            await services.GetRequiredService<TeamService>().CreateAsync(Actor.System, new TeamInput { Slug = teamSlug, Name = $"Team {teamSlug}" });
            var experts = new List<string>();
            foreach (var name in new[] { "Erin Expert", "Omar Other" })
            {
                var slug = Unique.Slug("expert");
                await people.CreateAsync(Actor.System, new PersonInput { Slug = slug, Name = name, Level = "senior", Teams = [teamSlug] });
                await people.ReplaceSkillsAsync(Actor.System, slug, [new SkillRatingInput { Skill = "java", Level = 4 }, new SkillRatingInput { Skill = "postgresql", Level = 3 }]);
                experts.Add(slug);
            }
            var svc = await services.GetRequiredService<ServiceCatalogService>().CreateAsync(Actor.System, new ServiceInput
            {
                Slug = Unique.Slug("svc"),
                Name = "Ledger",
                Owner = teamSlug,
                Lifecycle = "production",
                Languages = ["Java"],
            });
            return (svc, experts[0], experts[1], teamSlug);
        });
        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, viewer);
        var detail = await new ServiceDetailPage(home.Page).GotoAsync(service.Slug);
        await detail.ExpectShowsAsync("Ledger");
        await Expect(detail.BusFactorWarning()).ToHaveCountAsync(0);

        await LeaveTeamAsync(first);
        await detail.GotoAsync(service.Slug);
        await Expect(detail.BusFactorWarning()).ToContainTextAsync("Bus factor 1");
        await Expect(detail.BusFactorWarning()).ToContainTextAsync("Omar Other");
        await Screenshots.SaveAsync(detail.Page, "service-bus-factor");

        await LeaveTeamAsync(second);
        await detail.GotoAsync(service.Slug);
        await Expect(detail.BusFactorWarning()).ToContainTextAsync("Bus factor 0");
        await Expect(detail.BusFactorWarning()).ToContainTextAsync("java");

        var teamPage = await new TeamDetailPage(home.Page).GotoAsync(team);
        await Expect(teamPage.Page.GetByTestId("team-bus-factor")).ToContainTextAsync("Ledger");
    }

    [Fact]
    public async Task An_admin_creates_a_person_in_a_team_after_fixing_the_slug_and_then_edits_the_title()
    {
        var admin = await portal.CreateUserAsync("Admin", "Ada Admin");
        var teamSlug = Unique.Slug("team");
        await portal.WithServiceAsync(services =>
            services.GetRequiredService<TeamService>().CreateAsync(Actor.System, new TeamInput { Slug = teamSlug, Name = $"Team {teamSlug}" }));
        var slug = Unique.Slug("nora");
        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, admin);
        var form = await new PersonEditPage(home.Page).GotoNewAsync();

        await form.Field("Name").FillAsync("Nora Newcomer");
        await form.Field("Slug").FillAsync("Nora Newcomer!");
        await form.Field("Title").FillAsync("Backend engineer");
        await form.ChooseLevelAsync("Senior");
        await form.CheckTeamAsync($"Team {teamSlug}");
        await form.CreateButton.ClickAsync();

        await Expect(form.Alert).ToContainTextAsync("Check the highlighted fields");
        await Expect(form.Page.Locator(".mud-input-control:has(#person-slug) .mud-input-error")).Not.ToHaveCountAsync(0);
        Assert.False(await portal.WithServiceAsync(async services =>
            (await services.GetRequiredService<PeopleService>().ListAsync(new PeopleFilter(Q: "Nora Newcomer"), new PageRequest(10, null))).Total > 0));

        await form.Field("Slug").FillAsync(slug);
        await form.CreateButton.ClickAsync();

        var person = new PersonPage(form.Page);
        await Expect(form.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/people/{slug}$"));
        await Expect(person.Heading).ToHaveTextAsync("Nora Newcomer");
        await Expect(form.Page.GetByTestId("person-level")).ToHaveTextAsync("senior");
        await Expect(form.Page.GetByRole(AriaRole.Link, new() { Name = $"Team {teamSlug}" })).ToBeVisibleAsync();

        await form.GotoEditAsync(slug);
        await Expect(form.Field("Title")).ToHaveValueAsync("Backend engineer");
        await form.Field("Title").FillAsync("Staff backend engineer");
        await form.SaveButton.ClickAsync();

        await Expect(form.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/people/{slug}$"));
        await Expect(form.Page.GetByText("Staff backend engineer")).ToBeVisibleAsync();
        var saved = await portal.WithServiceAsync(services => services.GetRequiredService<PeopleService>().GetAsync(slug));
        Assert.Equal("Staff backend engineer", saved.Title);
        Assert.Equal("senior", saved.Level);
        Assert.Contains(saved.Teams, t => t.Team == teamSlug);
        await Screenshots.SaveAsync(form.Page, "person-created");
    }

    private Task<PersonDetails> LeaveTeamAsync(string person) =>
        portal.WithServiceAsync(async services =>
        {
            var people = services.GetRequiredService<PeopleService>();
            var current = await people.GetAsync(person);
            var input = PersonInput.From(current);
            input.Teams = [];
            return await people.UpdateAsync(Actor.System, person, input, current.Version);
        });
}
