using System.Net;
using System.Net.Http.Json;
using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.People;

public sealed class BusFactorTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private Task<BusFactorResult> BusFactorAsync(string service) =>
        factory.WithServiceAsync<SkillInsightsService, BusFactorResult>(s => s.BusFactorAsync(service));

    [Fact]
    public async Task Counts_owning_team_members_at_working_level_in_every_language_and_database_engine()
    {
        var team = await factory.CreateTeamAsync();
        var elsewhere = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceWithLanguagesAsync(team.Slug, "C#", "Go");
        await factory.UseDatabaseAsync(service.Slug, DatabaseEngine.PostgreSql);
        var all = await factory.CreatePersonAsync(team.Slug);
        var noDatabase = await factory.CreatePersonAsync(team.Slug);
        var learningGo = await factory.CreatePersonAsync(team.Slug);
        var outsider = await factory.CreatePersonAsync(elsewhere.Slug);
        await factory.RateAsync(all.Slug, ("csharp", 3), ("go", 2), ("postgresql", 2));
        await factory.RateAsync(noDatabase.Slug, ("csharp", 4), ("go", 4));
        await factory.RateAsync(learningGo.Slug, ("csharp", 4), ("go", 1), ("postgresql", 4));
        await factory.RateAsync(outsider.Slug, ("csharp", 4), ("go", 4), ("postgresql", 4));

        var result = await BusFactorAsync(service.Slug);

        Assert.Equal(1, result.BusFactor);
        Assert.True(result.AtRisk);
        Assert.Equal(all.Slug, Assert.Single(result.People).Slug);
        Assert.Empty(result.Uncovered);
        Assert.Equal(["csharp", "go", "postgresql"], result.Requirements.Select(r => r.Skill));
        Assert.Equal([3, 2, 2], result.Requirements.Select(r => r.Qualified));

        // A second expert joins: no longer a risk.
        await factory.JoinAsync(team.Slug, outsider.Slug);
        var after = await BusFactorAsync(service.Slug);
        Assert.Equal(2, after.BusFactor);
        Assert.False(after.AtRisk);
    }

    [Fact]
    public async Task Engines_and_languages_without_a_skill_are_uncovered_and_mariadb_asks_for_mysql()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceWithLanguagesAsync(team.Slug, "Kotlin", "golang");
        await factory.UseDatabaseAsync(service.Slug, DatabaseEngine.MariaDb);
        await factory.UseDatabaseAsync(service.Slug, DatabaseEngine.MySql);
        await factory.UseDatabaseAsync(service.Slug, DatabaseEngine.MongoDb);
        var person = await factory.CreatePersonAsync(team.Slug);
        await factory.RateAsync(person.Slug, ("go", 4), ("mysql", 4));

        var result = await BusFactorAsync(service.Slug);

        Assert.Equal(0, result.BusFactor);
        Assert.Equal(["Kotlin", "mongodb"], result.Uncovered);
        Assert.Single(result.Requirements, r => r.Skill == "mysql");
        Assert.Equal(4, result.Requirements.Count);
    }

    [Fact]
    public async Task People_in_several_teams_count_for_each_and_the_risk_list_follows_who_leaves()
    {
        var payments = await factory.CreateTeamAsync();
        var orders = await factory.CreateTeamAsync();
        var pay = await factory.CreateServiceWithLanguagesAsync(payments.Slug, "Java");
        var ord = await factory.CreateServiceWithLanguagesAsync(orders.Slug, "Java");
        var expert = await factory.CreatePersonAsync(payments.Slug);
        await factory.JoinAsync(orders.Slug, expert.Slug);
        var second = await factory.CreatePersonAsync(payments.Slug);
        await factory.RateAsync(expert.Slug, ("java", 4));
        await factory.RateAsync(second.Slug, ("java", 2));

        Assert.Equal(2, (await BusFactorAsync(pay.Slug)).BusFactor);
        Assert.Equal(1, (await BusFactorAsync(ord.Slug)).BusFactor);

        var client = await factory.ClientAsync(await factory.CreateUserAsync(Roles.Viewer), "read");
        var risks = (await client.GetFromJsonAsync<Page<BusFactorRisk>>($"/api/v1/people/bus-factor-risks?team={orders.Slug}"))!.Items;
        Assert.Equal(ord.Slug, Assert.Single(risks!).Service);
        Assert.Empty((await client.GetFromJsonAsync<Page<BusFactorRisk>>($"/api/v1/people/bus-factor-risks?team={payments.Slug}"))!.Items);

        await factory.LeaveAsync(payments.Slug, expert.Slug);
        var now = (await client.GetFromJsonAsync<Page<BusFactorRisk>>($"/api/v1/people/bus-factor-risks?team={payments.Slug}"))!.Items;
        Assert.Equal(1, Assert.Single(now).BusFactor);
        var all = (await client.GetFromJsonAsync<Page<BusFactorRisk>>("/api/v1/people/bus-factor-risks?limit=200"))!.Items;
        Assert.Contains(all, r => r.Service == pay.Slug);
        Assert.Contains(all, r => r.Service == ord.Slug);

        var api = await client.GetFromJsonAsync<BusFactorResult>($"/api/v1/services/{pay.Slug}/bus-factor");
        Assert.Equal(1, api!.BusFactor);
        Assert.Equal(second.Slug, Assert.Single(api.People).Slug);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/services/no-such-service/bus-factor")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/people/bus-factor-risks?team=no-such-team")).StatusCode);
    }

    [Fact]
    public async Task A_service_that_asks_for_nothing_counts_the_whole_team()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceWithLanguagesAsync(team.Slug);
        await factory.CreatePersonAsync(team.Slug);
        await factory.CreatePersonAsync(team.Slug);
        var result = await BusFactorAsync(service.Slug);
        Assert.Equal(2, result.BusFactor);
        Assert.Empty(result.Requirements);
    }

    [Fact]
    public async Task The_matrix_shows_people_by_skills_with_coverage_and_filters_by_category()
    {
        var team = await factory.CreateTeamAsync();
        var a = await factory.CreatePersonAsync(team.Slug);
        var b = await factory.CreatePersonAsync(team.Slug);
        await factory.RateAsync(a.Slug, ("java", 4), ("sql", 1));
        await factory.RateAsync(b.Slug, ("java", 2), ("sql", 3));
        var client = await factory.ClientAsync(await factory.CreateUserAsync(Roles.Viewer), "read");

        var matrix = (await client.GetFromJsonAsync<SkillsMatrix>($"/api/v1/teams/{team.Slug}/skills-matrix"))!;
        Assert.Equal(2, matrix.People.Count);
        Assert.Equal(2, matrix.Skills.Single(s => s.Slug == "java").Coverage);
        Assert.Equal(1, matrix.Skills.Single(s => s.Slug == "sql").Coverage);
        Assert.Equal(0, matrix.Skills.Single(s => s.Slug == "ruby").Coverage);
        Assert.Equal(4, matrix.People.Single(p => p.Slug == a.Slug).Ratings["java"]);
        Assert.Contains("Databases", matrix.Categories);

        var databases = (await client.GetFromJsonAsync<SkillsMatrix>($"/api/v1/teams/{team.Slug}/skills-matrix?category=databases"))!;
        Assert.All(databases.Skills, s => Assert.Equal("Databases", s.Category));
        Assert.DoesNotContain("java", databases.People.Single(p => p.Slug == a.Slug).Ratings.Keys);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/teams/no-such-team/skills-matrix")).StatusCode);
    }
}
