using System.Globalization;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Bench;

/// <summary>
/// A deterministic, plausible catalog: teams named after business domains, services named
/// domain-component-kind, team sizes skewed (a few big platform teams, many small ones).
/// </summary>
public sealed class Dataset
{
    private static readonly string[] Domains =
    [
        "payments", "billing", "orders", "checkout", "cart", "catalog", "pricing", "inventory", "shipping", "fulfilment",
        "returns", "identity", "auth", "accounts", "profile", "notifications", "messaging", "search", "recommendations", "ads",
        "analytics", "reporting", "data", "ml", "fraud", "risk", "compliance", "support", "crm", "marketing",
        "loyalty", "reviews", "media", "content", "localization", "platform", "infra", "observability", "devex", "security",
    ];

    private static readonly string[] TeamSuffixes = ["core", "experience", "data", "platform", "ops"];

    private static readonly string[] Components =
    [
        "ledger", "gateway", "router", "scheduler", "indexer", "ingest", "export", "sync", "events", "audit",
        "settlement", "reconciliation", "quota", "limits", "session", "token", "webhook", "feed", "snapshot", "archive",
        "rules", "scoring", "pipeline", "cache", "registry", "config", "preferences", "templates", "dispatch", "tracker",
        "importer", "exporter", "backfill", "metrics", "alerts", "graph", "labels", "mapping", "refunds", "disputes",
    ];

    private static readonly (string Kind, string Phrase)[] Kinds =
    [
        ("api", "REST API"), ("service", "gRPC service"), ("worker", "Kafka consumer"), ("job", "nightly batch job"),
        ("web", "web front end"), ("bff", "backend-for-frontend"), ("proxy", "edge proxy"), ("cron", "scheduled task"),
        ("stream", "stream processor"), ("adapter", "integration adapter"),
    ];

    private static readonly (string Language, int Weight, string[] Frameworks)[] Languages =
    [
        ("Java", 25, ["Spring Boot", "Quarkus", "Micronaut"]), ("Go", 20, ["chi", "gin", "gRPC"]),
        ("Python", 18, ["FastAPI", "Django", "Flask"]), ("C#", 12, ["ASP.NET Core"]),
        ("TypeScript", 10, ["NestJS", "Express"]), ("Kotlin", 5, ["Ktor", "Spring Boot"]), ("Ruby", 4, ["Rails", "Sinatra"]),
        ("Rust", 3, ["axum", "actix-web"]), ("Scala", 2, ["Akka HTTP", "Play"]), ("PHP", 1, ["Laravel", "Symfony"]),
    ];

    private static readonly string[] Stores = ["Postgres", "Redis", "DynamoDB", "Elasticsearch", "S3", "Cassandra", "MySQL"];

    private static readonly string[] TagPool = ["rest", "grpc", "graphql", "queue", "kafka", "pci", "gdpr", "batch", "edge", "internal", "public", "legacy", "ml", "cache"];

    public required IReadOnlyList<Team> Teams { get; init; }

    public required IReadOnlyList<(Service Service, int TeamIndex)> Services { get; init; }

    public int SmallestTeam => Services.GroupBy(s => s.TeamIndex).Min(g => g.Count());

    public int LargestTeam => Services.GroupBy(s => s.TeamIndex).Max(g => g.Count());

    /// <summary>Owner slugs in a fixed shuffled order, for rotating the owner filter.</summary>
    public IReadOnlyList<string> OwnerRotation => [.. Teams.Select(t => t.Slug).OrderBy(s => (uint)s.GetHashCode(StringComparison.Ordinal) ^ 0x5bd1e995u)];

    public static Dataset Generate(int teamCount, int serviceCount, int seed)
    {
        var random = new Random(seed);
        var epoch = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var teams = new List<Team>(teamCount);
        for (var i = 0; i < teamCount; i++)
        {
            var domain = Domains[i % Domains.Length];
            var suffix = TeamSuffixes[i / Domains.Length % TeamSuffixes.Length];
            var slug = i < Domains.Length * TeamSuffixes.Length ? $"{domain}-{suffix}" : $"{domain}-{suffix}-{i}";
            var team = new Team
            {
                Slug = slug,
                SlugKey = Slug.Key(slug),
                Name = $"{Title(domain)} {Title(suffix)}",
                Description = $"Owns the {domain} domain's {suffix} services.",
            };
            team.Stamp("bench", epoch);
            teams.Add(team);
        }

        // Skewed ownership: weight 1/(1 + rank/20) gives a few teams with ~190 services and many with ~25.
        var weights = Enumerable.Range(0, teamCount).Select(i => 1 / (1 + i / 20.0)).ToArray();
        var cumulative = new double[teamCount];
        var sum = 0.0;
        for (var i = 0; i < teamCount; i++)
        {
            sum += weights[i];
            cumulative[i] = sum;
        }
        // Every team owns at least a few services; the rest are drawn by weight.
        var owners = Enumerable.Range(0, serviceCount).Select(n => n < teamCount * 5 ? n % teamCount : Pick(cumulative, random.NextDouble() * sum)).ToList();

        var slugs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var services = new List<(Service, int)>(serviceCount);
        var languageTotal = Languages.Sum(l => l.Weight);
        foreach (var teamIndex in owners)
        {
            var team = teams[teamIndex];
            var domain = Domains[teamIndex % Domains.Length];
            var component = Components[random.Next(Components.Length)];
            var (kind, phrase) = Kinds[random.Next(Kinds.Length)];
            var baseSlug = $"{domain}-{component}-{kind}";
            var slug = baseSlug;
            for (var n = 2; !slugs.Add(slug); n++)
            {
                slug = $"{baseSlug}-{n}";
            }
            var languageRoll = random.Next(languageTotal);
            var (language, _, frameworks) = Languages.First(l => (languageRoll -= l.Weight) < 0);
            List<string> languages = random.Next(5) == 0 ? [language, random.Next(2) == 0 ? "SQL" : "TypeScript"] : [language];
            var store = Stores[random.Next(Stores.Length)];
            var lifecycleRoll = random.Next(100);
            var created = epoch.AddMinutes(random.Next(0, 60 * 24 * 600));
            var service = new Service
            {
                Slug = slug,
                SlugKey = Slug.Key(slug),
                Name = $"{Title(domain)} {Title(component)} {(kind.Length <= 3 ? kind.ToUpperInvariant() : Title(kind))}" + (slug == baseSlug ? "" : $" {slug[(baseSlug.Length + 1)..]}"),
                Description = $"The {phrase} for {domain} {component}: keeps the {component} state in {store} and publishes changes to the {domain}.events topic. Owned by {team.Name}.",
                OwnerTeamId = 0,
                Lifecycle = lifecycleRoll < 70 ? Lifecycle.Production : lifecycleRoll < 90 ? Lifecycle.Experimental : Lifecycle.Deprecated,
                Tier = random.Next(10) switch { 0 => 1, < 4 => 2, _ => 3 },
                Languages = languages,
                Framework = frameworks[random.Next(frameworks.Length)],
                RepositoryUrl = $"https://git.example.com/{team.Slug}/{slug}",
                RunbookUrl = random.Next(5) == 0 ? null : $"https://wiki.example.com/runbooks/{slug}",
                Tags = [.. TagPool.OrderBy(_ => random.Next()).Take(random.Next(4))],
            };
            service.Stamp("bench", created);
            service.UpdatedAt = created.AddHours(random.Next(0, 24 * 90));
            services.Add((service, teamIndex));
        }
        return new Dataset { Teams = teams, Services = services };
    }

    /// <summary>Bulk insert: one transaction, change detection off, batches of 1,000 with the tracker cleared between.</summary>
    public async Task InsertAsync(IDbContextFactory<AppDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync();
        db.Teams.AddRange(Teams);
        await db.SaveChangesAsync();
        var teamIds = Teams.Select(t => t.Id).ToArray();
        db.ChangeTracker.Clear();
        foreach (var batch in Services.Chunk(1000))
        {
            foreach (var (service, teamIndex) in batch)
            {
                service.OwnerTeamId = teamIds[teamIndex];
                db.Services.Add(service);
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        await tx.CommitAsync();
    }

    private static int Pick(double[] cumulative, double value)
    {
        var index = Array.BinarySearch(cumulative, value);
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    private static string Title(string word) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(word);
}
