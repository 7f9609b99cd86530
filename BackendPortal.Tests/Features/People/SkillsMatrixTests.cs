using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Teams;
using BackendPortal.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.People;

public class SkillsMatrixTests : PortalTestContext
{
    private PeopleService People => Services.GetRequiredService<PeopleService>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await PeopleReferenceData.SeedAsync(Services.GetRequiredService<IDbContextFactory<AppDbContext>>(), TimeProvider.System);
    }

    private async Task PersonAsync(string slug, string team, params (string Skill, int Level)[] ratings)
    {
        await People.CreateAsync(Actor.System, new PersonInput { Slug = slug, Name = slug.Replace('-', ' '), Level = "senior", Teams = [team] });
        await People.ReplaceSkillsAsync(Actor.System, slug, [.. ratings.Select(r => new SkillRatingInput { Skill = r.Skill, Level = r.Level })]);
    }

    [Fact]
    public void The_grid_colours_cells_by_level_leaves_unrated_blank_and_counts_coverage()
    {
        var matrix = new SkillsMatrix("payments", "Payments", null, ["Languages"],
            [new MatrixSkill("java", "Java", "Languages", 1, 2), new MatrixSkill("go", "Go", "Languages", 0, 0)],
            [
                new MatrixPerson("ada", "Ada", "lead", "staff", new Dictionary<string, int> { ["java"] = 4 }),
                new MatrixPerson("alan", "Alan", "member", null, new Dictionary<string, int> { ["java"] = 1 }),
            ]);

        var cut = Render<SkillsMatrixGrid>(p => p.Add(x => x.Matrix, matrix));

        var rows = cut.FindAll("tbody tr[data-person]");
        Assert.Equal(2, rows.Count);
        Assert.Contains("Ada", rows[0].TextContent);
        Assert.NotNull(rows[0].QuerySelector(".lead"));
        var adaCells = rows[0].QuerySelectorAll("td");
        Assert.Equal("lvl-4", adaCells[0].ClassName);
        Assert.Equal("4", adaCells[0].TextContent.Trim());
        Assert.Equal("unrated", adaCells[1].ClassName);
        Assert.Equal("", adaCells[1].TextContent.Trim());
        Assert.Equal("thin", cut.Find("tfoot td[data-skill=java]").ClassName);
        Assert.Equal("gap", cut.Find("tfoot td[data-skill=go]").ClassName);
        Assert.Equal("/people/ada", rows[0].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void A_large_matrix_keeps_the_table_semantics_of_its_virtualised_rows()
    {
        var skills = Enumerable.Range(0, 60).Select(i => new MatrixSkill($"s{i}", $"Skill {i}", "Languages", 0, 0)).ToList();
        var people = Enumerable.Range(0, 200)
            .Select(i => new MatrixPerson($"p{i}", $"Person {i:D3}", i == 0 ? "lead" : "member", null, skills.ToDictionary(s => s.Slug, _ => i % 5)))
            .ToList();
        var matrix = new SkillsMatrix("big", "Big", null, ["Languages"], skills, people);

        var cut = Render<SkillsMatrixGrid>(p => p.Add(x => x.Matrix, matrix));

        var table = cut.Find("[data-testid=skills-matrix] table");
        Assert.Equal("200", table.GetAttribute("data-people"));
        Assert.Equal("202", table.GetAttribute("aria-rowcount"));
        Assert.Equal("0", cut.Find("[data-testid=skills-matrix]").GetAttribute("tabindex"));
        var rows = cut.FindAll("tbody tr[data-person]");
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(60, r.QuerySelectorAll("td").Length));
        Assert.Equal("2", rows[0].GetAttribute("aria-rowindex"));
        Assert.Equal("lvl-3", cut.Find("tr[data-person=p3] td").ClassName);
    }

    [Fact]
    public async Task The_team_section_shows_the_matrix_and_services_at_bus_factor_risk()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("ledger", "Ledger", "payments", "production", "Java");
        await CreateServiceAsync("wallet", "Wallet", "payments", "production", "Python");
        await PersonAsync("ada-lovelace", "payments", ("java", 4), ("python", 3));
        await PersonAsync("alan-turing", "payments", ("java", 2), ("sql", 1));
        await SignInAsync("Vic Viewer", Roles.Viewer);

        var cut = Render<TeamSkillsSection>(p => p.Add(x => x.TeamSlug, "payments"));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=skills-matrix] tbody tr[data-person]").Count));
        Assert.Equal("2", cut.Find("tfoot td[data-skill=java]").TextContent.Trim());
        Assert.Equal("0", cut.Find("tfoot td[data-skill=sql]").TextContent.Trim());
        var risk = cut.Find("[data-testid=team-bus-factor]");
        Assert.Contains("Wallet", risk.TextContent);
        Assert.DoesNotContain("Ledger", risk.TextContent);
        Assert.Equal(PeopleReferenceData.Skills.Count, cut.FindAll("[data-testid=skills-matrix] thead th").Count - 1);
    }

    [Fact]
    public async Task A_person_rates_their_own_skills_on_their_page_and_sees_the_gap_shrink()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Pat Person", Roles.Viewer, "payments");

        var cut = Render<PersonPage>(p => p.Add(x => x.Slug, "pat-person"));
        cut.WaitForAssertion(() => Assert.True(HasButton(cut, "Rate my skills")));
        Assert.Contains("Debugging", cut.Find("[data-testid=gap-junior]").TextContent);

        Button(cut, "Rate my skills").Click();
        cut.Find("select[aria-label=Debugging]").Change("3");
        cut.Find("select[aria-label=Java]").Change("2");
        Button(cut, "Save ratings").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("tr[data-skill=debugging]")));
        Assert.DoesNotContain("Debugging", cut.Find("[data-testid=gap-junior]").TextContent);
        var (ratings, _) = await People.SkillsAsync("pat-person");
        Assert.Equal(3, ratings.Single(r => r.Skill == "debugging").Level);
        Assert.False(HasButton(cut, "Endorse"));
    }

    [Fact]
    public async Task Others_see_ratings_without_edit_and_a_lead_gets_endorse()
    {
        await CreateTeamAsync("payments", "Payments");
        await PersonAsync("alan-turing", "payments", ("java", 3));
        await SignInAsync("Lee Lead", Roles.Engineer);
        await using (var db = await DbAsync())
        {
            var teamId = await db.Teams.Where(t => t.SlugKey == "payments").Select(t => t.Id).SingleAsync();
            var leadId = await db.People.Where(p => p.SlugKey == "lee-lead").Select(p => p.Id).SingleAsync();
            db.TeamMembers.Add(new TeamMember { TeamId = teamId, PersonId = leadId, Role = TeamRole.Lead });
            await db.SaveChangesAsync();
        }

        var cut = Render<PersonPage>(p => p.Add(x => x.Slug, "alan-turing"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("tr[data-skill=java]")));
        Assert.False(HasButton(cut, "Rate my skills"));
        Assert.False(HasButton(cut, "Edit ratings"));

        Button(cut, "Endorse").Click();
        cut.WaitForAssertion(() => Assert.Contains("endorsed by Lee Lead", cut.Find("tr[data-skill=java]").TextContent));
        Assert.True(HasButton(cut, "Withdraw"));
    }
}
