using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Services;
using BackendPortal.Features.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackendPortal.Bench;

/// <summary>
/// What the audit entry of a catalog update costs: PUT /api/v1/services/{slug} with the entry
/// (before/after snapshots, one more row in the same SaveChanges) against the same requests with
/// data-change entries switched off. The two modes alternate in short blocks, so a change in the
/// machine's load hits both alike.
/// </summary>
public sealed class AuditBench(BenchHost host, BenchReport report)
{
    private const int Blocks = 10;
    private const int PerBlock = 60;
    private const int WarmUp = 60;
    private const int Slugs = 200;

    public async Task RunAsync()
    {
        var sw = Stopwatch.StartNew();
        Console.WriteLine("Audit bench");
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await WriteTokenAsync());
        var options = host.Services.GetRequiredService<IOptions<AuditOptions>>().Value;

        // Spread over many services (and so many owner teams), each PUT sending back the ETag the last one returned.
        var slugs = host.Dataset.Services.Select(s => s.Service.Slug).Where((_, i) => i % (BenchHost.ServiceCount / Slugs) == 0).Take(Slugs).ToList();
        var current = new Dictionary<string, ServiceDetails>();
        foreach (var slug in slugs)
        {
            current[slug] = (await client.GetFromJsonAsync<ServiceDetails>($"/api/v1/services/{slug}"))!;
        }

        var counter = 0;
        async Task<double> PutAsync()
        {
            var slug = slugs[counter % slugs.Count];
            var input = ServiceInput.From(current[slug]);
            input.Description = $"Benchmark edit {++counter}";
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{slug}") { Content = JsonContent.Create(input) };
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(current[slug].ETag));
            var start = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Check(response.IsSuccessStatusCode, $"PUT {slug} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
            current[slug] = System.Text.Json.JsonSerializer.Deserialize<ServiceDetails>(body, AuditService.SnapshotJson)!;
            return elapsed;
        }

        foreach (var audited in new[] { true, false })
        {
            options.RecordDataChanges = audited;
            for (var i = 0; i < WarmUp; i++)
            {
                await PutAsync();
            }
        }

        var queries = new Dictionary<bool, int>();
        foreach (var audited in new[] { true, false })
        {
            options.RecordDataChanges = audited;
            host.Queries.Start();
            await PutAsync();
            queries[audited] = host.Queries.Stop().Count;
        }

        var samples = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        var cpu = new Dictionary<bool, TimeSpan> { [true] = TimeSpan.Zero, [false] = TimeSpan.Zero };
        var entriesBefore = await CountEntriesAsync();
        using var process = Process.GetCurrentProcess();
        for (var block = 0; block < Blocks * 2; block++)
        {
            // ABBA order: neither mode always runs first.
            var audited = block % 4 is 0 or 3;
            options.RecordDataChanges = audited;
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            for (var i = 0; i < PerBlock; i++)
            {
                samples[audited].Add(await PutAsync());
            }
            process.Refresh();
            cpu[audited] += process.TotalProcessorTime - cpuBefore;
        }
        options.RecordDataChanges = true;
        var written = await CountEntriesAsync() - entriesBefore;
        Check(written == samples[true].Count, $"expected {samples[true].Count} audit entries from the audited blocks, found {written}");
        await BreakDownAsync(PutAsync, options);

        LatencyStats Stats(string name, bool audited) =>
            LatencyStats.From(name, samples[audited], queries[audited]) with { CpuMsPerRequest = cpu[audited].TotalMilliseconds / samples[audited].Count };
        var withAudit = Stats("PUT /api/v1/services/{slug} with the audit entry", true);
        var without = Stats("PUT /api/v1/services/{slug}, data-change entries off", false);
        report.Add(withAudit);
        report.Add(without);
        var p50 = withAudit.P50 - without.P50;
        var p95 = withAudit.P95 - without.P95;
        var cpuDelta = withAudit.CpuMsPerRequest - without.CpuMsPerRequest;
        report.Add("Audit overhead on a catalog update (with minus without)", FormattableString.Invariant(
            $"p50 {p50:+0.00;-0.00} ms, p95 {p95:+0.00;-0.00} ms, CPU {cpuDelta:+0.00;-0.00} ms/request, {queries[true] - queries[false]:+0;-0} SQL commands ({Blocks} blocks of {PerBlock} per mode, alternating); target p95 overhead < 2 ms: {(p95 < 2 ? "met" : "**not met**")}"));
        Console.WriteLine($"Audit bench done in {sw.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The SQL of one PUT in each mode, with each command's time (execute and read), averaged over a few requests.</summary>
    private async Task BreakDownAsync(Func<Task<double>> put, AuditOptions options)
    {
        var text = new System.Text.StringBuilder("SQL of one PUT (mean ms per command over 20 requests; BEGIN/COMMIT are not commands EF reports):\n\n| command | with entry | entries off |\n|---|---:|---:|\n");
        var rows = new Dictionary<string, double[]>();
        foreach (var (audited, column) in new[] { (true, 0), (false, 1) })
        {
            options.RecordDataChanges = audited;
            for (var i = 0; i < 20; i++)
            {
                host.Queries.Start();
                await put();
                foreach (var command in host.Queries.Stop())
                {
                    var name = System.Text.RegularExpressions.Regex.Replace(command.Sql.Trim().Split('\n')[0], "\\s+", " ");
                    name = name.Length > 70 ? name[..70] + "…" : name;
                    rows.TryAdd(name, new double[2]);
                    rows[name][column] += command.Duration.TotalMilliseconds / 20;
                }
            }
        }
        options.RecordDataChanges = true;
        foreach (var (name, ms) in rows)
        {
            text.AppendLine(FormattableString.Invariant($"| `{name.Replace("|", "\\|", StringComparison.Ordinal)}` | {ms[0]:F2} | {ms[1]:F2} |"));
        }
        report.Note(text.ToString().TrimEnd());
    }

    private async Task<string> WriteTokenAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var context = await db.CreateDbContextAsync();
        var adminId = await context.Users.Where(u => u.Email == "bench-admin@example.com").Select(u => u.Id).SingleAsync();
        return (await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(adminId, "bench writes", ["read", "write"], 1)).Token;
    }

    private async Task<int> CountEntriesAsync()
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.CountAsync(e => e.Action == AuditActions.EntityUpdated);
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Bench sanity check failed: " + message);
        }
    }
}
