using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Bench;

/// <summary>
/// The catalog at Backstage-breaking size: the host's 10,000 services plus 2,000 databases, 3,000
/// APIs, 50 systems and 30,000 relations, with one database that 500 services depend on
/// transitively. Sequential requests, one in flight, as in the API bench.
/// </summary>
public sealed partial class CatalogBench(BenchHost host, BenchReport report)
{
    public const int DatabaseCount = 2_000;
    public const int ApiCount = 3_000;
    public const int SystemCount = 50;
    public const int HotDependents = 500;
    public const string HotDatabase = "bench-hot-db";
    private const int Requests = 200;
    private const int WarmUp = 20;

    private static readonly string[] SearchQueries =
    [
        "ord", "example-web", "payments-ledger", "ledger", "kafka", "checkout gate", "fraud scoring", "pay", "orders-db",
        "reconciliation", "Billing Core", "webhook", "nomatch-zz", "identity-token-api", "s", "search-indexer",
    ];

    public async Task RunAsync()
    {
        var sw = Stopwatch.StartNew();
        Console.WriteLine("Catalog bench");
        var relations = await SeedAsync();
        report.Add("Catalog dataset", $"{BenchHost.ServiceCount:N0} services, {DatabaseCount:N0} databases, {ApiCount:N0} APIs, {SystemCount} systems, {relations:N0} relations; '{HotDatabase}' has {HotDependents} transitive dependents; seeded in {sw.Elapsed.TotalSeconds:F1} s");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await using (db)
            {
                report.Add("Search index", $"{await db.SearchTerms.CountAsync():N0} terms");
            }
        }

        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.ReadToken);

        using (var radius = await GetJsonAsync(client, $"/api/v1/databases/{HotDatabase}/blast-radius"))
        {
            var total = radius.RootElement.GetProperty("counts").GetProperty("total").GetInt32();
            Check(total == HotDependents, $"blast radius of {HotDatabase} is {total}, expected {HotDependents}");
        }
        using (var search = await GetJsonAsync(client, "/api/v1/search?q=example-web"))
        {
            Check(search.RootElement.GetProperty("items")[0].GetProperty("slug").GetString() == "example-website", "example-web did not find example-website first");
        }

        var owners = host.Dataset.OwnerRotation;
        await MeasureAsync(client, "GET /api/v1/services?owner=<team>&limit=50 (catalog loaded)", i => $"/api/v1/services?owner={owners[i % owners.Count]}&limit=50");
        await MeasureAsync(client, "GET /api/v1/services?q=<text>&limit=50 (catalog loaded)", i => $"/api/v1/services?q={Uri.EscapeDataString(SearchQueries[i % SearchQueries.Length])}&limit=50");
        // Lists built on other branches: measured when this build has them.
        foreach (var list in new[] { "systems", "databases", "apis" })
        {
            var probe = await client.GetAsync($"/api/v1/{list}?limit=50");
            if (probe.StatusCode == HttpStatusCode.OK)
            {
                await MeasureAsync(client, $"GET /api/v1/{list}?owner=<team>&limit=50", i => $"/api/v1/{list}?owner={owners[i % owners.Count]}&limit=50");
                await MeasureAsync(client, $"GET /api/v1/{list}?q=<text>&limit=50", i => $"/api/v1/{list}?q={Uri.EscapeDataString(SearchQueries[i % SearchQueries.Length])}&limit=50");
            }
            else
            {
                report.Note($"/api/v1/{list} is not in this build ({(int)probe.StatusCode}); its list is measured once that branch is merged.");
            }
        }
        await MeasureAsync(client, $"GET /api/v1/search?q=<text>&limit=10 ({SearchQueries.Length} queries rotated)", i => $"/api/v1/search?q={Uri.EscapeDataString(SearchQueries[i % SearchQueries.Length])}&limit=10");
        await MeasureAsync(client, $"GET /api/v1/databases/{HotDatabase}/blast-radius ({HotDependents} dependents)", _ => $"/api/v1/databases/{HotDatabase}/blast-radius", target: 100);
        await MeasureAsync(client, "GET /api/v1/services/<random>/blast-radius", i => $"/api/v1/services/{host.Dataset.Services[i * 37 % host.Dataset.Services.Count].Service.Slug}/blast-radius", target: 100);
        await MeasureAsync(client, $"GET /api/v1/graph?focus=database:{HotDatabase}&depth=2", _ => $"/api/v1/graph?focus=database:{HotDatabase}&depth=2");

        // A catalog write changes the stamp: the next read pays for reloading the graph.
        var reload = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            await TouchGraphAsync();
            reload.Add(await TimeAsync(client, $"/api/v1/databases/{HotDatabase}/blast-radius"));
        }
        report.Add(LatencyStats.From("blast radius right after a catalog write (graph reloaded)", reload, 0) with { Target = 100 });

        using var browser = await SignedInClientAsync();
        await MeasureAsync(browser, "GET /services (prerendered page, signed in)", _ => "/services", count: 60);
        await MeasureAsync(browser, $"GET /graph?focus=database:{HotDatabase} (prerendered page)", _ => $"/graph?focus=database:{HotDatabase}", count: 60);
        await MeasureAsync(browser, $"GET /graph?pick=database:{HotDatabase}&focus=database:{HotDatabase}&depth=1 (prerendered, blast radius listed)",
            _ => $"/graph?focus=database:{HotDatabase}&depth=1&pick=database:{HotDatabase}", count: 60);
        Console.WriteLine($"Catalog bench done in {sw.Elapsed.TotalSeconds:F1} s");
    }

    private async Task<int> SeedAsync()
    {
        var random = new Random(7);
        var factory = host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var teamIds = await db.Teams.Select(t => t.Id).OrderBy(i => i).ToListAsync();
        var serviceIds = await db.Services.OrderBy(s => s.SlugKey).Select(s => s.Id).ToListAsync();
        var epoch = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var tx = await db.Database.BeginTransactionAsync();

        var systems = Enumerable.Range(0, SystemCount).Select(i => new CatalogSystem
        {
            Slug = $"system-{i}",
            SlugKey = $"system-{i}",
            Name = $"System {i}",
            OwnerTeamId = teamIds[i % teamIds.Count],
            Description = "A group of services.",
        }).ToList();
        systems.ForEach(s => s.Stamp("bench", epoch));
        db.Systems.AddRange(systems);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var engines = Enum.GetValues<DatabaseEngine>();
        var databases = Enumerable.Range(0, DatabaseCount).Select(i => new CatalogDatabase
        {
            Slug = i == 0 ? HotDatabase : $"db-{i}-store",
            SlugKey = i == 0 ? HotDatabase : $"db-{i}-store",
            Name = i == 0 ? "Bench hot database" : $"Store {i}",
            Engine = engines[i % engines.Length],
            OwnerTeamId = teamIds[i % teamIds.Count],
            SystemId = systems[i % SystemCount].Id,
            Description = "Holds records for the services that use it.",
        }).ToList();
        databases.ForEach(d => d.Stamp("bench", epoch));
        foreach (var chunk in databases.Chunk(1000))
        {
            db.Databases.AddRange(chunk);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        var apis = Enumerable.Range(0, ApiCount).Select(i => new CatalogApi
        {
            Slug = $"api-{i}-v1",
            SlugKey = $"api-{i}-v1",
            Name = $"API {i}",
            Type = (ApiType)(i % 4),
            OwnerTeamId = teamIds[i % teamIds.Count],
            SystemId = systems[i % SystemCount].Id,
            Description = "Contract between teams.",
        }).ToList();
        apis.ForEach(a => a.Stamp("bench", epoch));
        foreach (var chunk in apis.Chunk(1000))
        {
            db.Apis.AddRange(chunk);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        // Services 0..499 hang under the hot database: 20 use it, every other one depends on an earlier one.
        // The rest (500..) depend only on each other (towards lower indexes, plus a few back edges that make cycles).
        var relations = 0;
        var deps = new HashSet<(int, int)>();
        for (var i = 20; i < HotDependents; i++)
        {
            deps.Add((serviceIds[i], serviceIds[random.Next(0, i)]));
        }
        while (deps.Count < 20_000)
        {
            var from = random.Next(HotDependents + 1, serviceIds.Count);
            var to = random.Next(HotDependents, from);
            deps.Add((serviceIds[from], serviceIds[to]));
        }
        for (var i = 0; i < 10; i++)
        {
            var low = random.Next(HotDependents, HotDependents + 100);
            deps.Add((serviceIds[low], serviceIds[low + 1 + random.Next(50)]));
        }
        var uses = new HashSet<(int, int)>();
        for (var i = 0; i < 20; i++)
        {
            uses.Add((serviceIds[i], databases[0].Id));
        }
        while (uses.Count < 5_000)
        {
            uses.Add((serviceIds[random.Next(HotDependents, serviceIds.Count)], databases[random.Next(1, DatabaseCount)].Id));
        }
        var links = new HashSet<(int, int, ApiRole)>();
        for (var a = 0; a < ApiCount; a++)
        {
            links.Add((serviceIds[random.Next(HotDependents, serviceIds.Count)], apis[a].Id, ApiRole.Provides));
        }
        while (links.Count < 5_000)
        {
            links.Add((serviceIds[random.Next(HotDependents, serviceIds.Count)], apis[random.Next(ApiCount)].Id, ApiRole.Consumes));
        }
        foreach (var chunk in deps.Chunk(5000))
        {
            db.ServiceDependencies.AddRange(chunk.Select(d => new ServiceDependency { ServiceId = d.Item1, DependsOnId = d.Item2 }));
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        db.ServiceDatabases.AddRange(uses.Select(u => new ServiceDatabase { ServiceId = u.Item1, DatabaseId = u.Item2 }));
        db.ServiceApis.AddRange(links.Select(l => new ServiceApiLink { ServiceId = l.Item1, ApiId = l.Item2, Role = l.Item3 }));
        await db.SaveChangesAsync();
        relations = deps.Count + uses.Count + links.Count;

        // Names the search queries look for.
        var website = await db.Services.OrderBy(s => s.Id).Skip(HotDependents + 1).FirstAsync();
        website.Slug = "example-website";
        website.SlugKey = "example-website";
        website.Name = "Example Website";
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        return relations;
    }

    private async Task TouchGraphAsync()
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var service = await db.Services.OrderBy(s => s.Id).Skip(HotDependents + 2).FirstAsync();
        service.Tier = service.Tier == 1 ? 2 : 1;
        await db.SaveChangesAsync();
    }

    private async Task<HttpClient> SignedInClientAsync()
    {
        const string email = "bench-catalog-viewer@example.com";
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAccountService>().CreateAsync(email, "Catalog Viewer", [Roles.Viewer], BenchHost.Password, "bench");
        }
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = host.Address };
        var html = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryInput().Match(html).Groups[1].Value;
        var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = BenchHost.Password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["_handler"] = "login",
        }));
        Check(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}");
        var page = await client.GetAsync("/services");
        Check(page.StatusCode == HttpStatusCode.OK, $"GET /services answered {(int)page.StatusCode} after sign-in");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    private async Task MeasureAsync(HttpClient client, string name, Func<int, string> url, int count = Requests, double target = LatencyStats.TargetP95Ms)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            await TimeAsync(client, url(i));
        }
        host.Queries.Start();
        await TimeAsync(client, url(0));
        var queries = host.Queries.Stop().Count;
        var samples = new List<double>(count);
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            samples.Add(await TimeAsync(client, url(i)));
        }
        process.Refresh();
        report.Add(LatencyStats.From(name, samples, queries) with { CpuMsPerRequest = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / count, Target = target });
    }

    private static async Task<double> TimeAsync(HttpClient client, string url)
    {
        var sw = Stopwatch.StartNew();
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead);
        var elapsed = sw.Elapsed.TotalMilliseconds;
        Check(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
        return elapsed;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Check(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Catalog bench check failed: " + message);
        }
    }
}
