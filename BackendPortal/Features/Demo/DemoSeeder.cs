using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Features.People;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
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
        var services = new Dictionary<string, Service>();
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
            services[s.Slug] = service;
            db.Services.Add(service);
        }
        AddCatalog(db, teams, services, now);
        await AddSkillRatingsAsync(db, now, ct);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Demo data added: {Teams} teams, {Services} services, {People} people.", TeamData.Length, ServiceData.Length, PeopleData.Length);
        return true;
    }

    private static readonly (string Slug, string Name, string Team, string Domain, string Description, string[] Members)[] SystemData =
    [
        ("checkout", "Checkout", "orders", "commerce", "Cart to paid order.", ["orders-api", "cart-service", "payments-api", "refunds-worker"]),
        ("identity-platform", "Identity platform", "identity", "platform", "Accounts, tokens and profiles.", ["auth-service", "user-profile"]),
        ("discovery", "Discovery", "search", "commerce", "Search and ranking.", ["search-api", "ranker"]),
    ];

    private static readonly (string Slug, string Name, string Team, string? System, DatabaseEngine Engine, string Version, string Host, long CapacityGib, int FrequencyHours, string[] UsedBy)[] DatabaseData =
    [
        ("orders-db", "Orders DB", "orders", "checkout", DatabaseEngine.PostgreSql, "16.2", "orders-db.internal:5432", 500, 24, ["orders-api", "fulfilment-bridge"]),
        ("payments-db", "Payments DB", "payments", "checkout", DatabaseEngine.SqlServer, "2022", "payments-sql.internal:1433", 200, 6, ["payments-api", "refunds-worker", "invoice-service"]),
        ("carts-cache", "Carts cache", "orders", "checkout", DatabaseEngine.Redis, "7.2", "carts-redis.internal:6379", 16, 24, ["cart-service"]),
        ("identity-db", "Identity DB", "identity", "identity-platform", DatabaseEngine.PostgreSql, "15.6", "identity-db.internal:5432", 100, 24, ["auth-service", "user-profile"]),
        ("search-index", "Search index", "search", "discovery", DatabaseEngine.MongoDb, "7.0", "search-mongo.internal:27017", 300, 48, ["search-api", "ranker"]),
    ];

    private static readonly (string Service, string DependsOn)[] DependencyData =
    [
        ("api-gateway", "orders-api"), ("api-gateway", "auth-service"), ("api-gateway", "search-api"), ("orders-api", "cart-service"),
        ("orders-api", "payments-api"), ("orders-api", "event-bus"), ("refunds-worker", "event-bus"), ("payments-api", "auth-service"),
        ("search-api", "ranker"), ("fulfilment-bridge", "orders-api"), ("user-profile", "auth-service"),
    ];

    /// <summary>Systems, databases with their ledger, sizes, backups and a slow query, and the services' relations.</summary>
    private static void AddCatalog(AppDbContext db, Dictionary<string, Team> teams, Dictionary<string, Service> services, DateTime now)
    {
        var systems = new Dictionary<string, CatalogSystem>();
        foreach (var (slug, name, team, domain, description, members) in SystemData)
        {
            var system = new CatalogSystem { Slug = slug, SlugKey = slug, Name = name, OwnerTeam = teams[team], Domain = domain, Description = description };
            system.Stamp("demo", now);
            systems[slug] = system;
            db.Systems.Add(system);
            foreach (var member in members)
            {
                services[member].System = system;
            }
        }
        foreach (var (service, dependsOn) in DependencyData)
        {
            services[service].DependsOn.Add(new ServiceDependency { DependsOn = services[dependsOn] });
        }
        var index = 0;
        foreach (var d in DatabaseData)
        {
            var database = new CatalogDatabase
            {
                Slug = d.Slug,
                SlugKey = d.Slug,
                Name = d.Name,
                OwnerTeam = teams[d.Team],
                System = d.System is null ? null : systems[d.System],
                Engine = d.Engine,
                EngineVersion = d.Version,
                Environment = DeploymentEnvironment.Production,
                Host = d.Host,
                CapacityBytes = d.CapacityGib * 1024 * 1024 * 1024,
                BackupFrequencyHours = d.FrequencyHours,
                RpoMinutes = 15,
                RtoMinutes = 60,
            };
            database.Stamp("demo", now);
            db.Databases.Add(database);
            foreach (var user in d.UsedBy)
            {
                services[user].Databases.Add(new ServiceDatabase { Database = database });
            }
            // Sizes: steady growth over two months (one database stays flat).
            var start = d.CapacityGib * 1024L * 1024 * 1024 * (30 + index * 10) / 100;
            var perDay = index == 2 ? 0 : d.CapacityGib * 1024L * 1024 * 1024 / 400;
            for (var day = 60; day >= 0; day -= 3)
            {
                db.DatabaseSizeSamples.Add(new DatabaseSizeSample { Database = database, At = now.AddDays(-day), Bytes = start + perDay * (60 - day) });
            }
            // Backups: the payments database has missed its six-hourly verified backup.
            var lastBackup = d.Slug == "payments-db" ? now.AddHours(-20) : now.AddHours(-3);
            db.DatabaseBackups.Add(new DatabaseBackup { Database = database, At = lastBackup.AddDays(-1), Verified = true, SizeBytes = start / 3 });
            db.DatabaseBackups.Add(new DatabaseBackup { Database = database, At = lastBackup, Verified = true, SizeBytes = start / 3 });
            // Ledger: staging is one migration ahead of production.
            var migrations = new[] { "0001_initial", "0002_add_indexes", "0003_add_audit_columns" };
            for (var i = 0; i < migrations.Length; i++)
            {
                db.DatabaseMigrations.Add(new DatabaseMigration { Database = database, Environment = "staging", MigrationId = migrations[i], Description = migrations[i][5..].Replace('_', ' '), AppliedAt = now.AddDays(-30 + i * 10), AppliedBy = "ci", RecordedAt = now });
                if (i < migrations.Length - 1)
                {
                    db.DatabaseMigrations.Add(new DatabaseMigration { Database = database, Environment = "production", MigrationId = migrations[i], Description = migrations[i][5..].Replace('_', ' '), AppliedAt = now.AddDays(-28 + i * 10), AppliedBy = "ci", RecordedAt = now });
                }
            }
            index++;
        }
        var ordersDb = db.Databases.Local.First(d => d.Slug == "orders-db");
        foreach (var (query, calls, mean, daysAgo) in new[]
        {
            ("SELECT * FROM orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 50", 12_000L, 35.0, 7),
            ("SELECT * FROM orders WHERE customer_id = 7 ORDER BY created_at DESC LIMIT 50", 15_000L, 48.0, 0),
            ("UPDATE order_lines SET status = 'shipped' WHERE order_id IN (1, 2, 3)", 900L, 12.0, 0),
        })
        {
            var normalized = SqlNormalizer.Normalize(query);
            db.SlowQuerySamples.Add(new SlowQuerySample
            {
                Database = ordersDb,
                Fingerprint = SqlNormalizer.Fingerprint(normalized),
                NormalizedQuery = normalized,
                ReportedAt = now.AddDays(-daysAgo),
                Calls = calls,
                MeanMs = mean,
                P95Ms = mean * 3,
            });
        }
    }
}
