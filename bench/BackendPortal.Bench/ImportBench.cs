using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Bench;

/// <summary>
/// POST /api/v1/catalog/import of a generated 10,000-entity Backstage file: into a catalog that
/// does not hold those names yet (everything created) and again (everything unchanged), a few runs each.
/// </summary>
public sealed class ImportBench(BenchHost host, BenchReport report)
{
    private const int Runs = 2;

    public async Task RunAsync()
    {
        Console.WriteLine("Import bench");
        using var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await WriteTokenAsync());
        var fresh = new List<double>();
        var again = new List<double>();
        var freshCpu = new List<double>();
        var againCpu = new List<double>();
        var entities = 0;
        long bytes = 0;
        for (var run = 0; run < Runs; run++)
        {
            var (yaml, count) = Generate($"r{run}");
            entities = count;
            bytes = Encoding.UTF8.GetByteCount(yaml);
            // The server runs in this process: its CPU time is what one import costs, whatever else loads the machine.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            fresh.Add(await PostAsync(client, yaml, expectCreated: count));
            freshCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            again.Add(await PostAsync(client, yaml, expectCreated: 0));
            againCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
            Console.WriteLine($"  run {run + 1}: new {fresh[^1]:F0} ms wall / {freshCpu[^1]:F0} ms CPU, again {again[^1]:F0} ms wall / {againCpu[^1]:F0} ms CPU");
        }
        report.Add("Import file", $"{entities:N0} entities (groups, users, domains, systems, components, APIs, databases, resources; ~{entities * 2:N0} relations), {bytes / 1024.0 / 1024.0:F1} MiB of YAML");
        report.Add(LatencyStats.From("POST /api/v1/catalog/import, 10k new entities", fresh, 0) with { CpuMsPerRequest = freshCpu.Average(), Target = 10_000 });
        report.Add(LatencyStats.From("POST /api/v1/catalog/import, same 10k again (unchanged)", again, 0) with { CpuMsPerRequest = againCpu.Average(), Target = 10_000 });
        report.Note($"Import target: < 10,000 ms for 10,000 entities; worst new-entity run {fresh.Max():F0} ms wall ({freshCpu.Max():F0} ms process CPU), worst re-import {again.Max():F0} ms wall ({againCpu.Max():F0} ms CPU).");
    }

    private static async Task<double> PostAsync(HttpClient client, string yaml, int expectCreated)
    {
        var sw = Stopwatch.StartNew();
        using var response = await client.PostAsync("/api/v1/catalog/import", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var body = await response.Content.ReadAsStringAsync();
        var ms = sw.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Import failed: {(int)response.StatusCode} {body[..Math.Min(body.Length, 2000)]}");
        }
        var created = JsonDocument.Parse(body).RootElement.GetProperty("created").GetInt32();
        if (created != expectCreated)
        {
            throw new InvalidOperationException($"Expected {expectCreated} created, got {created}.");
        }
        return ms;
    }

    /// <summary>A catalog shaped like a large company's: every component depends on two others and a database, provides and consumes an API.</summary>
    public static (string Yaml, int Count) Generate(string p)
    {
        const int groups = 100, users = 300, domains = 20, systems = 180, components = 6000, apis = 1500, databases = 1500, resources = 400;
        var sb = new StringBuilder();
        var count = 0;
        void Doc(string text)
        {
            if (count++ > 0)
            {
                sb.Append("---\n");
            }
            sb.Append(text);
        }
        string I(int i) => i.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < groups; i++)
        {
            Doc($"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: {p}-team-{I(i)}\n  description: Team {I(i)}\nspec:\n  type: team\n  profile:\n    displayName: Team {I(i)}\n"
                + (i >= 10 ? $"  parent: {p}-team-{I(i % 10)}\n" : "") + "  children: []\n");
        }
        for (var i = 0; i < users; i++)
        {
            Doc($"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: {p}-user-{I(i)}\nspec:\n  profile:\n    displayName: User {I(i)}\n    email: {p}-user-{I(i)}@example.com\n  memberOf: [{p}-team-{I(i % groups)}]\n");
        }
        for (var i = 0; i < domains; i++)
        {
            Doc($"apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: {p}-domain-{I(i)}\nspec:\n  owner: {p}-team-{I(i % groups)}\n");
        }
        for (var i = 0; i < systems; i++)
        {
            Doc($"apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: {p}-system-{I(i)}\nspec:\n  owner: group:default/{p}-team-{I(i % groups)}\n  domain: {p}-domain-{I(i % domains)}\n");
        }
        for (var i = 0; i < apis; i++)
        {
            Doc($"apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: {p}-api-{I(i)}\n  tags: [rest]\nspec:\n  type: openapi\n  lifecycle: production\n  owner: {p}-team-{I(i % groups)}\n  system: {p}-system-{I(i % systems)}\n"
                + $"  definition: |\n    openapi: 3.0.0\n    info:\n      title: API {I(i)}\n      version: 1.0.0\n    paths: {{}}\n");
        }
        for (var i = 0; i < databases; i++)
        {
            Doc($"apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: {p}-db-{I(i)}\n  tags: [postgres]\nspec:\n  type: database\n  owner: {p}-team-{I(i % groups)}\n  system: {p}-system-{I(i % systems)}\n");
        }
        for (var i = 0; i < resources; i++)
        {
            Doc($"apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: {p}-bucket-{I(i)}\nspec:\n  type: s3-bucket\n  owner: {p}-team-{I(i % groups)}\n");
        }
        for (var i = 0; i < components; i++)
        {
            Doc($"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {p}-svc-{I(i)}\n  description: Service {I(i)}\n  tags: [java]\n"
                + $"  links:\n    - url: https://git.example.com/{p}/svc-{I(i)}\n      title: Repository\nspec:\n  type: service\n  lifecycle: production\n  owner: {p}-team-{I(i % groups)}\n  system: {p}-system-{I(i % systems)}\n"
                + $"  dependsOn: [component:{p}-svc-{I((i + 1) % components)}, component:{p}-svc-{I((i + 7) % components)}, resource:{p}-db-{I(i % databases)}]\n"
                + $"  providesApis: [{p}-api-{I(i % apis)}]\n  consumesApis: [{p}-api-{I((i + 3) % apis)}]\n");
        }
        return (sb.ToString(), count);
    }

    private async Task<string> WriteTokenAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var context = await db.CreateDbContextAsync();
        var adminId = await context.Users.Where(u => u.Email == "bench-admin@example.com").Select(u => u.Id).SingleAsync();
        return (await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(adminId, "bench import", ["read", "write"], 1)).Token;
    }
}
