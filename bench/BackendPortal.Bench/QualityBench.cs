using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Quality;
using BackendPortal.Features.Tokens;
using BackendPortal.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Bench;

/// <summary>
/// Test-run ingestion: one 50,000-case JUnit file (time, peak extra memory), then 200 concurrent small
/// POSTs with distinct Idempotency-Keys (throughput, p99, no database-busy errors, one run per key),
/// then the same 200 again to see every one replayed.
/// </summary>
public sealed class QualityBench(BenchHost host, BenchReport report)
{
    private const int BigCases = 50_000;
    private const int Concurrent = 200;
    private const int SmallCases = 20;

    public async Task RunAsync()
    {
        Console.WriteLine("Quality bench");
        var slug = host.Dataset.Services[0].Service.Slug;
        string token;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var qa = await scope.ServiceProvider.GetRequiredService<UserAccountService>()
                .CreateAsync("bench-qa@example.com", "Bench QA", [Roles.QA], BenchHost.Password, "bench");
            token = (await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(qa.Id, "bench ci", ["read", "ingest"], 1)).Token;
        }
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 256 })
        {
            BaseAddress = host.Address,
            Timeout = TimeSpan.FromMinutes(5),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Warm-up: JIT, connection, the first INSERT plan.
        for (var i = 0; i < 5; i++)
        {
            Check((await PostAsync(client, slug, SmallRun(i), null)).StatusCode == HttpStatusCode.Created, "warm-up run was not stored");
        }

        // Which SQL one small run sends (the case INSERTs go through a raw command and are not counted here).
        host.Queries.Start();
        Check((await PostAsync(client, slug, SmallRun(7), Guid.NewGuid().ToString())).StatusCode == HttpStatusCode.Created, "counted run was not stored");
        var sql = host.Queries.Stop();
        report.Add("Quality: EF SQL commands per small run", sql.Count.ToString(CultureInfo.InvariantCulture));
        Console.WriteLine($"  SQL per small run: {sql.Count}");
        foreach (var command in sql)
        {
            Console.WriteLine("    " + command.Sql.ReplaceLineEndings(" ")[..Math.Min(150, command.Sql.ReplaceLineEndings(" ").Length)]);
        }

        // One at a time first: what a single small run costs in wall and CPU time.
        using (var me = Process.GetCurrentProcess())
        {
            var cpu = me.TotalProcessorTime;
            var seq = Stopwatch.StartNew();
            for (var i = 0; i < 50; i++)
            {
                Check((await PostAsync(client, slug, SmallRun(i), Guid.NewGuid().ToString())).StatusCode == HttpStatusCode.Created, "sequential run was not stored");
            }
            me.Refresh();
            var cpuMs = (me.TotalProcessorTime - cpu).TotalMilliseconds / 50;
            report.Add("Quality: 50 small runs one at a time", FormattableString.Invariant(
                $"{seq.Elapsed.TotalMilliseconds / 50:F1} ms each, {cpuMs:F1} ms CPU each (server and client in one process) → at most {1000 / Math.Max(cpuMs / Environment.ProcessorCount, 0.001):F0} runs/s on {Environment.ProcessorCount} idle cores"));
            Console.WriteLine(FormattableString.Invariant($"  sequential: {seq.Elapsed.TotalMilliseconds / 50:F1} ms, {cpuMs:F1} ms CPU per run"));
        }

        await ProfileAsync(token, slug);
        await BigFileAsync(client, slug);
        await ConcurrentAsync(client, host.Dataset.Services[1].Service.Slug);
    }

    /// <summary>
    /// Where a small run's CPU goes, part by part, called in-process without HTTP: token authentication
    /// (lookup and claims), the ingest itself (claim, store, flaky evaluation), the flaky evaluation alone.
    /// </summary>
    private async Task ProfileAsync(string token, string slug)
    {
        const int n = 100;
        var parts = new List<string>();
        async Task<double> CpuPerCallAsync(string name, Func<int, Task> work)
        {
            for (var i = 0; i < 5; i++)
            {
                await work(-1 - i);
            }
            using var me = Process.GetCurrentProcess();
            var cpu = me.TotalProcessorTime;
            for (var i = 0; i < n; i++)
            {
                await work(i);
            }
            me.Refresh();
            var ms = (me.TotalProcessorTime - cpu).TotalMilliseconds / n;
            parts.Add(FormattableString.Invariant($"{name} {ms:F2}"));
            Console.WriteLine(FormattableString.Invariant($"  profile: {name}: {ms:F2} ms CPU per call"));
            return ms;
        }

        await using var scope = host.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var tokens = sp.GetRequiredService<TokenService>();
        var principals = sp.GetRequiredService<Microsoft.AspNetCore.Identity.IUserClaimsPrincipalFactory<ApplicationUser>>();
        var principal = (await tokens.AuthenticateAsync(token, principals, "Bearer"))!;
        var actor = BackendPortal.Security.Actor.From(principal);
        await CpuPerCallAsync("token authentication", _ => tokens.AuthenticateAsync(token, principals, "Bearer"));
        var ingest = sp.GetRequiredService<TestRunIngestService>();
        var bodies = Enumerable.Range(0, 8).Select(SmallRun).ToArray();
        await CpuPerCallAsync("ingest with a key", async i =>
        {
            await using var upload = await UploadSpool.FromBytesAsync((null, bodies[Math.Abs(i) % 8]));
            await ingest.IngestAsync(actor, slug, new TestRunInput("profile", "p" + i, null, null), upload, Guid.NewGuid().ToString(), CancellationToken.None);
        });
        await CpuPerCallAsync("ingest without a key", async i =>
        {
            await using var upload = await UploadSpool.FromBytesAsync((null, bodies[Math.Abs(i) % 8]));
            await ingest.IngestAsync(actor, slug, new TestRunInput("profile", "p" + i, null, null), upload, null, CancellationToken.None);
        });
        var flaky = sp.GetRequiredService<FlakyTestService>();
        var serviceId = await WithDbAsync(db => db.Services.Where(s => s.SlugKey == Slug.Key(slug)).Select(s => s.Id).FirstAsync());
        await CpuPerCallAsync("flaky evaluation", _ => flaky.EvaluateAsync(serviceId, "profile"));
        await CpuPerCallAsync("parse only", async i =>
        {
            await using var upload = await UploadSpool.FromBytesAsync((null, bodies[Math.Abs(i) % 8]));
            TestReportParser.Parse(upload.Files[0].Open, _ => { }, 64, null);
        });
        report.Add("Quality: CPU ms per call, in-process", string.Join("; ", parts));
    }

    private async Task BigFileAsync(HttpClient client, string slug)
    {
        var file = BigRun();
        report.Add("Quality: big JUnit file", $"{BigCases:N0} test cases, {file.Length / 1024.0 / 1024.0:F1} MiB, 1% failing with a message and a stack trace");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        var managedBaseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = baseline;
        long managedPeak = managedBaseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                managedPeak = Math.Max(managedPeak, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        var response = await PostAsync(client, slug, file, null);
        var elapsed = sw.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await stop.CancelAsync();
        await sampler;
        var body = await response.Content.ReadAsStringAsync();
        Check(response.StatusCode == HttpStatusCode.Created, $"big run: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        Check(json.RootElement.GetProperty("total").GetInt32() == BigCases, "big run total is wrong");
        Check(json.RootElement.GetProperty("failed").GetInt32() == BigCases / 100, "big run failed count is wrong");
        var id = json.RootElement.GetProperty("id").GetInt64();
        var stored = await WithDbAsync(db => db.TestResults.CountAsync(r => r.RunId == id));
        Check(stored == BigCases, $"big run stored {stored} results");

        var seconds = elapsed.TotalSeconds;
        var extra = (peak - baseline) / 1024.0 / 1024.0;
        var managedExtra = (managedPeak - managedBaseline) / 1024.0 / 1024.0;
        report.Add("Quality: ingest of the 50,000-case file (target < 3 s)", FormattableString.Invariant($"{seconds:F2} s end to end over HTTP ({BigCases / seconds:N0} cases/s) {(seconds < 3 ? "✓" : "✗")}"));
        report.Add("Quality: peak extra memory (target < 200 MB)", FormattableString.Invariant(
            $"working set +{extra:F0} MiB, managed heap +{managedExtra:F0} MiB, {allocated / 1024.0 / 1024.0:F0} MiB allocated in total {(extra < 200 ? "✓" : "✗")}"));
        Console.WriteLine(FormattableString.Invariant($"  big file: {seconds:F2} s, +{extra:F0} MiB working set, +{managedExtra:F0} MiB managed"));
    }

    private async Task ConcurrentAsync(HttpClient client, string slug)
    {
        var keys = Enumerable.Range(0, Concurrent).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var bodies = Enumerable.Range(0, Concurrent).Select(SmallRun).ToArray();
        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<int, int>();
        var busy = 0;
        var ids = new ConcurrentBag<long>();
        var start = new TaskCompletionSource();
        var sw = new Stopwatch();
        var tasks = Enumerable.Range(0, Concurrent).Select(async i =>
        {
            await start.Task;
            var t = Stopwatch.StartNew();
            using var response = await PostAsync(client, slug, bodies[i], keys[i]);
            var text = await response.Content.ReadAsStringAsync();
            latencies.Add(t.Elapsed.TotalMilliseconds);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if (text.Contains("locked", StringComparison.OrdinalIgnoreCase) || text.Contains("busy", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref busy);
            }
            if (response.StatusCode == HttpStatusCode.Created)
            {
                ids.Add(JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64());
            }
        }).ToList();
        sw.Start();
        start.SetResult();
        await Task.WhenAll(tasks);
        var wall = sw.Elapsed.TotalSeconds;

        var runs = await WithDbAsync(db => db.TestRuns.CountAsync(r => r.Service.SlugKey == Slug.Key(slug)));
        var completedKeys = await WithDbAsync(db => db.IdempotencyKeys.CountAsync(k => keys.Contains(k.Key) && k.Completed));
        Check(statuses.Keys.All(s => s == 201), "concurrent POSTs answered " + string.Join(", ", statuses.Select(s => $"{s.Value}×{s.Key}")));
        Check(busy == 0, $"{busy} responses mention a locked or busy database");
        Check(runs == Concurrent && ids.Distinct().Count() == Concurrent && completedKeys == Concurrent, $"{runs} runs and {completedKeys} keys for {Concurrent} requests");

        var stats = LatencyStats.From("Quality: 200 concurrent test-run POSTs (20 cases each)", [.. latencies], 0);
        report.Add("Quality: concurrent POSTs with distinct Idempotency-Keys (target ≥ 300 runs/s)", FormattableString.Invariant(
            $"{Concurrent} at once: {Concurrent / wall:F0} runs/s over {wall:F2} s, p50 {stats.P50:F0} ms, p99 {stats.P99:F0} ms, max {stats.Max:F0} ms; all 201, {busy} busy errors, {runs} runs stored for {Concurrent} keys {(Concurrent / wall >= 300 ? "✓" : "✗")}"));
        Console.WriteLine(FormattableString.Invariant($"  concurrent: {Concurrent / wall:F0} runs/s, p99 {stats.P99:F0} ms"));

        // The same 200 again, concurrently: every one must be a replay and nothing new stored.
        var replays = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(async i =>
        {
            using var response = await PostAsync(client, slug, bodies[i], keys[i]);
            return (response.StatusCode, Replayed: response.Headers.Contains("Idempotent-Replayed"));
        }));
        var runsAfter = await WithDbAsync(db => db.TestRuns.CountAsync(r => r.Service.SlugKey == Slug.Key(slug)));
        Check(replays.All(r => r.StatusCode == HttpStatusCode.Created && r.Replayed) && runsAfter == Concurrent, "replays stored new runs or were not replayed");
        report.Add("Quality: the same 200 POSTs again", $"all {Concurrent} replayed (201, Idempotent-Replayed), still {runsAfter} runs: exactly one run per key");
    }

    private async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await work(db);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string slug, byte[] body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/services/{slug}/test-runs?suite=bench&commit=b{key?[..8]}")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/xml") } },
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return client.SendAsync(request);
    }

    private static byte[] SmallRun(int seed)
    {
        var xml = new StringBuilder("<testsuites><testsuite name='small'>");
        for (var i = 0; i < SmallCases; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<testcase classname='bench.Small{seed % 5}' name='case_{i}' time='0.00{i % 9}'/>");
        }
        return Encoding.UTF8.GetBytes(xml.Append("</testsuite></testsuites>").ToString());
    }

    private static byte[] BigRun()
    {
        var xml = new StringBuilder("<?xml version='1.0' encoding='UTF-8'?><testsuites>");
        for (var suite = 0; suite < BigCases / 500; suite++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<testsuite name='com.example.bench.Suite{suite}' tests='500' time='1.5'>");
            for (var i = 0; i < 500; i++)
            {
                var n = suite * 500 + i;
                xml.Append(CultureInfo.InvariantCulture, $"<testcase classname='com.example.bench.Suite{suite}' name='test_case_{n}' time='0.003'>");
                if (n % 100 == 0)
                {
                    xml.Append(CultureInfo.InvariantCulture, $"<failure message='expected {n} but was {n + 1}' type='AssertionError'>AssertionError: expected {n} but was {n + 1}\n\tat com.example.bench.Suite{suite}.test_case_{n}(Suite{suite}.java:{i + 10})</failure>");
                }
                xml.Append("</testcase>");
            }
            xml.Append("</testsuite>");
        }
        return Encoding.UTF8.GetBytes(xml.Append("</testsuites>").ToString());
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Quality bench check failed: " + message);
        }
    }
}
