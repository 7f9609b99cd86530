using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Features.Users;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.People;

/// <summary>Shortcuts for the people tests: people without accounts, ratings and databases written straight to the store.</summary>
public static class PeopleTestData
{
    public static Task<PersonDetails> CreatePersonAsync(this PortalFactory factory, string team, string level = "intermediate", string? slug = null) =>
        factory.WithServiceAsync<PeopleService, PersonDetails>(s => s.CreateAsync(Actor.System, new PersonInput
        {
            Slug = slug ?? PortalFactory.Unique("person"),
            Name = "Person " + (slug ?? "x"),
            Level = level,
            Teams = [team],
        }));

    public static Task RateAsync(this PortalFactory factory, string person, params (string Skill, int Level)[] ratings) =>
        factory.WithServiceAsync<PeopleService, IReadOnlyList<SkillRating>>(s => s.ReplaceSkillsAsync(
            Actor.System, person, [.. ratings.Select(r => new SkillRatingInput { Skill = r.Skill, Level = r.Level })]));

    public static Task<int> JoinAsync(this PortalFactory factory, string team, string person, TeamRole role = TeamRole.Member) =>
        factory.WithDbAsync(async db =>
        {
            var teamId = await db.Teams.Where(t => t.SlugKey == Slug.Key(team)).Select(t => t.Id).SingleAsync();
            var personId = await db.People.Where(p => p.SlugKey == Slug.Key(person)).Select(p => p.Id).SingleAsync();
            db.TeamMembers.Add(new TeamMember { TeamId = teamId, PersonId = personId, Role = role });
            return await db.SaveChangesAsync();
        });

    /// <summary>Through the change tracker, as the app's pages and APIs do (what renews the people stamp).</summary>
    public static Task<int> LeaveAsync(this PortalFactory factory, string team, string person) =>
        factory.WithDbAsync(async db =>
        {
            db.TeamMembers.RemoveRange(await db.TeamMembers
                .Where(m => m.Team.SlugKey == Slug.Key(team) && m.Person.SlugKey == Slug.Key(person)).ToListAsync());
            return await db.SaveChangesAsync();
        });

    /// <summary>A database of the given engine, used by the service.</summary>
    public static Task<int> UseDatabaseAsync(this PortalFactory factory, string service, DatabaseEngine engine) =>
        factory.WithDbAsync(async db =>
        {
            var s = await db.Services.Where(x => x.SlugKey == Slug.Key(service)).Select(x => new { x.Id, x.OwnerTeamId }).SingleAsync();
            var slug = PortalFactory.Unique("db");
            var database = new CatalogDatabase { Slug = slug, SlugKey = slug, Name = slug, Engine = engine, OwnerTeamId = s.OwnerTeamId };
            database.Stamp("test", DateTime.UtcNow);
            db.Databases.Add(database);
            await db.SaveChangesAsync();
            db.ServiceDatabases.Add(new ServiceDatabase { ServiceId = s.Id, DatabaseId = database.Id });
            return await db.SaveChangesAsync();
        });

    public static Task<ServiceDetails> CreateServiceWithLanguagesAsync(this PortalFactory factory, string team, params string[] languages) =>
        factory.CreateServiceAsync(team, configure: i => i.Languages = [.. languages]);

    public static async Task<HttpClient> ClientAsync(this PortalFactory factory, UserAccount user, string scopes = "read,write") =>
        factory.BearerClient(await factory.CreateTokenAsync(user, scopes));
}
