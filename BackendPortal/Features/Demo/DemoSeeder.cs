using BackendPortal.Data;
using BackendPortal.Features.People;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Demo;

/// <summary>A small, realistic organisation for a first look. Only into an empty catalog, only when asked.</summary>
public sealed class DemoSeeder(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILogger<DemoSeeder> log)
{
    private static readonly (string Slug, string Name, string Description)[] TeamData =
    [
        ("payments", "Payments", "Card, wallet and invoice payments; PCI scope."),
        ("orders", "Orders", "Checkout, order lifecycle and fulfilment hand-off."),
        ("identity", "Identity", "Accounts, sign-in, sessions and permissions."),
        ("platform", "Platform", "Shared infrastructure: gateways, messaging, observability."),
        ("search", "Search & Discovery", "Catalog search, ranking and recommendations."),
    ];

    private static readonly (string Slug, string Name, string Team, Lifecycle Lifecycle, int Tier, string[] Languages, string Framework, string[] Tags, string Description)[] ServiceData =
    [
        ("payments-api", "Payments API", "payments", Lifecycle.Production, 1, ["Java"], "Spring Boot", ["pci", "rest"], "Authorises and captures card payments."),
        ("refunds-worker", "Refunds worker", "payments", Lifecycle.Production, 2, ["Java"], "Spring Boot", ["queue"], "Processes refund requests from the queue."),
        ("invoice-service", "Invoice service", "payments", Lifecycle.Experimental, 3, ["Python"], "FastAPI", ["rest"], "Generates invoices as PDF."),
        ("orders-api", "Orders API", "orders", Lifecycle.Production, 1, ["C#"], "ASP.NET Core", ["rest"], "Creates and tracks orders."),
        ("cart-service", "Cart service", "orders", Lifecycle.Production, 2, ["Go"], "chi", ["rest"], "Shopping carts with a 30-day TTL."),
        ("fulfilment-bridge", "Fulfilment bridge", "orders", Lifecycle.Deprecated, 3, ["Ruby"], "Sinatra", ["legacy"], "Hands orders to the old warehouse system."),
        ("auth-service", "Auth service", "identity", Lifecycle.Production, 1, ["Go"], "gRPC", ["grpc", "security"], "Issues and validates tokens."),
        ("user-profile", "User profile", "identity", Lifecycle.Production, 2, ["Python"], "Django", ["rest"], "Profiles, preferences and consents."),
        ("api-gateway", "API gateway", "platform", Lifecycle.Production, 1, ["Go"], "Envoy", ["edge"], "Routes and rate-limits public traffic."),
        ("event-bus", "Event bus", "platform", Lifecycle.Production, 1, ["Java"], "Kafka Streams", ["messaging"], "Company-wide domain events."),
        ("search-api", "Search API", "search", Lifecycle.Production, 2, ["Python"], "FastAPI", ["rest"], "Full-text product search."),
        ("ranker", "Ranker", "search", Lifecycle.Experimental, 3, ["Python", "SQL"], "PyTorch", ["ml"], "Learning-to-rank model service."),
    ];

    private static readonly (string Slug, string Name, string Team, TeamRole Role)[] PeopleData =
    [
        ("ada-lovelace", "Ada Lovelace", "payments", TeamRole.Lead),
        ("alan-turing", "Alan Turing", "payments", TeamRole.Member),
        ("grace-hopper", "Grace Hopper", "orders", TeamRole.Lead),
        ("edsger-dijkstra", "Edsger Dijkstra", "orders", TeamRole.Member),
        ("barbara-liskov", "Barbara Liskov", "identity", TeamRole.Lead),
        ("ken-thompson", "Ken Thompson", "platform", TeamRole.Lead),
        ("margaret-hamilton", "Margaret Hamilton", "search", TeamRole.Lead),
    ];

    /// <summary>A few ratings so the skills matrix and bus factors have something to show (Ada alone knows Java in Payments).</summary>
    private static readonly (string Person, CareerLevel Level, (string Skill, int Proficiency)[] Ratings)[] SkillData =
    [
        ("ada-lovelace", CareerLevel.Staff, [("java", 4), ("postgresql", 3), ("sql", 4), ("rest-apis", 4), ("debugging", 4), ("unit-testing", 3)]),
        ("alan-turing", CareerLevel.Intermediate, [("java", 1), ("python", 3), ("sql", 2), ("rest-apis", 2), ("unit-testing", 2), ("debugging", 2)]),
        ("grace-hopper", CareerLevel.Senior, [("csharp", 4), ("go", 3), ("sql", 3), ("rest-apis", 3), ("openapi", 2), ("debugging", 3)]),
        ("edsger-dijkstra", CareerLevel.Senior, [("csharp", 3), ("go", 2), ("ruby", 1), ("sql", 3), ("unit-testing", 4), ("integration-testing", 3)]),
        ("barbara-liskov", CareerLevel.Staff, [("go", 4), ("python", 2), ("grpc", 4), ("security", 4), ("debugging", 3)]),
        ("ken-thompson", CareerLevel.Staff, [("go", 4), ("java", 3), ("load-testing", 3), ("debugging", 4)]),
        ("margaret-hamilton", CareerLevel.Senior, [("python", 4), ("sql", 3), ("load-testing", 2), ("integration-testing", 3)]),
    ];

    private static async Task AddSkillRatingsAsync(AppDbContext db, DateTime now, CancellationToken ct)
    {
        var skills = await db.Skills.ToDictionaryAsync(s => s.SlugKey, s => s.Id, ct);
        foreach (var (slug, level, ratings) in SkillData)
        {
            var person = db.People.Local.Single(p => p.Slug == slug);
            person.Level = level;
            foreach (var (skill, proficiency) in ratings.Where(r => skills.ContainsKey(r.Skill)))
            {
                person.Skills.Add(new PersonSkill { SkillId = skills[skill], Proficiency = proficiency, RatedAt = now, RatedBy = "demo" });
            }
        }
    }

    public async Task<bool> SeedIfEmptyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Teams.AnyAsync(ct) || await db.Services.AnyAsync(ct))
        {
            log.LogInformation("Demo data skipped: the catalog is not empty.");
            return false;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var teams = new Dictionary<string, Team>();
        foreach (var (slug, name, description) in TeamData)
        {
            var team = new Team { Slug = slug, SlugKey = slug, Name = name, Description = description };
            team.Stamp("demo", now);
            teams[slug] = team;
            db.Teams.Add(team);
        }
        foreach (var (slug, name, teamSlug, role) in PeopleData)
        {
            var person = new Person { Slug = slug, SlugKey = slug, Name = name, Email = $"{slug.Replace('-', '.')}@example.com" };
            person.Stamp("demo", now);
            db.People.Add(person);
            teams[teamSlug].Members.Add(new TeamMember { Person = person, Role = role });
        }
        foreach (var s in ServiceData)
        {
            var service = new Service
            {
                Slug = s.Slug,
                SlugKey = s.Slug,
                Name = s.Name,
                Description = s.Description,
                OwnerTeam = teams[s.Team],
                Lifecycle = s.Lifecycle,
                Tier = s.Tier,
                Languages = [.. s.Languages],
                Framework = s.Framework,
                Tags = [.. s.Tags],
                RepositoryUrl = $"https://git.example.com/{s.Team}/{s.Slug}",
                RunbookUrl = $"https://wiki.example.com/runbooks/{s.Slug}",
            };
            service.Stamp("demo", now);
            db.Services.Add(service);
        }
        await AddSkillRatingsAsync(db, now, ct);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Demo data added: {Teams} teams, {Services} services, {People} people.", TeamData.Length, ServiceData.Length, PeopleData.Length);
        return true;
    }
}
