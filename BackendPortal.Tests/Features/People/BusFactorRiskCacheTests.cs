using System.Net;
using System.Net.Http.Json;
using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.People;

/// <summary>
/// The risk list is computed once per people stamp: every write a bus factor depends on must renew the stamp,
/// or the list goes stale. One test per kind of write, each starting from a service that is not at risk.
/// </summary>
public sealed class BusFactorRiskCacheTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private BusFactorRiskCache Cache => factory.Services.GetRequiredService<BusFactorRiskCache>();

    private Task<IReadOnlyList<BusFactorRisk>> RisksAsync(string team) =>
        factory.WithServiceAsync<SkillInsightsService, IReadOnlyList<BusFactorRisk>>(s => s.RisksAsync(team));

    /// <summary>A team of two Java people at 3 owning a Java service: bus factor 2, no risk.</summary>
    private async Task<(TeamDetails Team, ServiceDetails Service, PersonDetails First, PersonDetails Second)> CoveredAsync()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceWithLanguagesAsync(team.Slug, "Java");
        var first = await factory.CreatePersonAsync(team.Slug);
        var second = await factory.CreatePersonAsync(team.Slug);
        await factory.RateAsync(first.Slug, ("java", 3), ("postgresql", 3));
        await factory.RateAsync(second.Slug, ("java", 3));
        Assert.Empty(await RisksAsync(team.Slug));
        return (team, service, first, second);
    }

    private Task<ServiceDetails> UpdateServiceAsync(ServiceDetails service, Action<ServiceInput> change) =>
        factory.WithServiceAsync<ServiceCatalogService, ServiceDetails>(s =>
        {
            var input = ServiceInput.From(service);
            change(input);
            return s.UpdateAsync(Actor.System, service.Slug, input, service.Version);
        });

    [Fact]
    public async Task Reads_without_writes_do_not_recompute_and_a_write_does()
    {
        var (team, _, first, _) = await CoveredAsync();
        var before = Cache.Computations;
        await RisksAsync(team.Slug);
        await RisksAsync(team.Slug);
        Assert.Equal(before, Cache.Computations);

        await factory.RateAsync(first.Slug, ("java", 1));
        var risk = Assert.Single(await RisksAsync(team.Slug));
        Assert.Equal(before + 1, Cache.Computations);
        Assert.Equal(1, risk.BusFactor);
    }

    [Fact]
    public async Task A_rating_change_shows_at_once()
    {
        var (team, service, _, second) = await CoveredAsync();
        await factory.RateAsync(second.Slug, ("java", 1));
        var risk = Assert.Single(await RisksAsync(team.Slug));
        Assert.Equal(service.Slug, risk.Service);
        Assert.Equal(1, risk.BusFactor);

        await factory.RateAsync(second.Slug, ("java", 2));
        Assert.Empty(await RisksAsync(team.Slug));
    }

    [Fact]
    public async Task Leaving_through_the_person_profile_and_joining_through_the_team_show_at_once()
    {
        var (team, _, first, _) = await CoveredAsync();
        var other = await factory.CreateTeamAsync();
        var profile = PersonInput.From(first);
        profile.Teams = [other.Slug];
        await factory.WithServiceAsync<PeopleService, PersonDetails>(s => s.UpdateAsync(Actor.System, first.Slug, profile, first.Version));
        Assert.Equal(1, Assert.Single(await RisksAsync(team.Slug)).BusFactor);

        var current = await factory.WithServiceAsync<TeamService, TeamDetails>(s => s.GetAsync(team.Slug));
        var input = TeamInput.From(current);
        input.Members!.Add(new TeamMemberInput { Person = first.Slug, Role = "member" });
        await factory.WithServiceAsync<TeamService, TeamDetails>(s => s.UpdateAsync(Actor.System, team.Slug, input, current.Version));
        Assert.Empty(await RisksAsync(team.Slug));
    }

    [Fact]
    public async Task Deleting_a_member_shows_at_once()
    {
        var (team, _, _, second) = await CoveredAsync();
        await factory.WithServiceAsync<PeopleService, bool>(async s =>
        {
            await s.DeleteAsync(Actor.System, second.Slug, null);
            return true;
        });
        Assert.Equal(1, Assert.Single(await RisksAsync(team.Slug)).BusFactor);
    }

    [Fact]
    public async Task A_new_language_on_the_service_shows_at_once()
    {
        var (team, service, _, _) = await CoveredAsync();
        await UpdateServiceAsync(service, i => i.Languages = ["Java", "Go"]);
        var risk = Assert.Single(await RisksAsync(team.Slug));
        Assert.Equal(0, risk.BusFactor);
        Assert.Equal(["go"], risk.Uncovered);
    }

    [Fact]
    public async Task A_database_the_service_starts_using_and_its_engine_changing_show_at_once()
    {
        var (team, service, _, _) = await CoveredAsync();
        var slug = PortalFactory.Unique("db");
        await factory.WithDbAsync(async db =>
        {
            var database = new CatalogDatabase { Slug = slug, SlugKey = slug, Name = slug, Engine = DatabaseEngine.Other, OwnerTeamId = await db.Teams.Where(t => t.SlugKey == team.Slug).Select(t => t.Id).SingleAsync() };
            database.Stamp("test", DateTime.UtcNow);
            db.Databases.Add(database);
            return await db.SaveChangesAsync();
        });
        await UpdateServiceAsync(service, i => i.Databases = [slug]);
        Assert.Empty(await RisksAsync(team.Slug));

        await factory.WithDbAsync(async db =>
        {
            (await db.Databases.SingleAsync(d => d.SlugKey == slug)).Engine = DatabaseEngine.PostgreSql;
            return await db.SaveChangesAsync();
        });
        var risk = Assert.Single(await RisksAsync(team.Slug));
        Assert.Equal(1, risk.BusFactor);
    }

    [Fact]
    public async Task Moving_the_service_to_another_team_shows_at_once()
    {
        var (team, service, _, _) = await CoveredAsync();
        var empty = await factory.CreateTeamAsync();
        await UpdateServiceAsync(service, i => i.Owner = empty.Slug);
        Assert.Empty(await RisksAsync(team.Slug));
        var risk = Assert.Single(await RisksAsync(empty.Slug));
        Assert.Equal(service.Slug, risk.Service);
        Assert.Equal(empty.Slug, risk.Owner);
    }

    [Fact]
    public async Task Adding_and_deleting_a_skill_the_service_needs_shows_at_once()
    {
        var team = await factory.CreateTeamAsync();
        var language = PortalFactory.Unique("lang");
        await factory.CreateServiceWithLanguagesAsync(team.Slug, language);
        Assert.Equal([language], Assert.Single(await RisksAsync(team.Slug)).Uncovered);

        await factory.WithServiceAsync<SkillCatalogService, SkillDetails>(s => s.CreateAsync(Actor.System, new SkillInput { Slug = language, Name = language, Category = "Languages" }));
        var a = await factory.CreatePersonAsync(team.Slug);
        var b = await factory.CreatePersonAsync(team.Slug);
        await factory.RateAsync(a.Slug, (language, 2));
        await factory.RateAsync(b.Slug, (language, 4));
        Assert.Empty(await RisksAsync(team.Slug));

        await factory.WithServiceAsync<SkillCatalogService, bool>(async s =>
        {
            await s.DeleteAsync(Actor.System, language, null);
            return true;
        });
        Assert.Equal([language], Assert.Single(await RisksAsync(team.Slug)).Uncovered);
    }

    [Fact]
    public async Task The_api_pages_by_keyset_worst_first()
    {
        var team = await factory.CreateTeamAsync();
        var person = await factory.CreatePersonAsync(team.Slug);
        await factory.RateAsync(person.Slug, ("java", 4));
        var one = await factory.CreateServiceWithLanguagesAsync(team.Slug, "Java");
        var zeroA = await factory.CreateServiceWithLanguagesAsync(team.Slug, "Ruby");
        var zeroB = await factory.CreateServiceWithLanguagesAsync(team.Slug, "Python");
        var client = await factory.ClientAsync(await factory.CreateUserAsync(Roles.Viewer), "read");

        var seen = new List<BusFactorRisk>();
        string? cursor = null;
        do
        {
            var page = (await client.GetFromJsonAsync<Page<BusFactorRisk>>(
                $"/api/v1/people/bus-factor-risks?team={team.Slug}&limit=1" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            Assert.Equal(3, page.Total);
            Assert.True(page.Items.Count <= 1);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([.. new[] { zeroA.Slug, zeroB.Slug }.Order(StringComparer.Ordinal), one.Slug], seen.Select(r => r.Service));
        Assert.Equal([0, 0, 1], seen.Select(r => r.BusFactor));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/people/bus-factor-risks?cursor=nonsense")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/people/bus-factor-risks?cursor={PageRequest.EncodeCursor("x")}")).StatusCode);
    }
}
