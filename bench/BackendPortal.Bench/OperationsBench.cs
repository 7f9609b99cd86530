using System.Diagnostics;
using System.Globalization;
using BackendPortal.Data;
using BackendPortal.Features.Operations;
using BackendPortal.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackendPortal.Bench;

/// <summary>
/// (a) 1,000 checks at a 30 s interval against a fast local target for BENCH_OPERATIONS_MINUTES
/// (default 2): the portal process's CPU share, due-to-start lag p95, memory. The target runs in a
/// process of its own (OperationsTarget), so its CPU is reported beside the portal's, not in it. (b) The health history that the
/// retention policy keeps after 90 days of those checks, written through the module's own bucket
/// code (BucketKey, BucketMath, HealthMonitor.ReplaceBucketsAsync), and the SQLite file size;
/// BENCH_OPERATIONS_HISTORY=0 skips it for quick before/after runs of (a).
/// </summary>
public sealed class OperationsBench(BenchHost host, BenchReport report)
{
    private const int Checks = 1000;
    private const int IntervalSeconds = 30;
    private const double TargetCpuPercent = 5;
    private const double TargetLagMs = 1000;
    private const double TargetMiB = 200;

    public async Task RunAsync()
    {
        Console.WriteLine("Operations bench");
        var minutes = double.TryParse(Environment.GetEnvironmentVariable("BENCH_OPERATIONS_MINUTES"), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m > 0 ? m : 2;
        List<int> ids;
        await using (var target = await OperationsTarget.StartAsync())
        {
            ids = await ProbeLoadAsync(target, minutes);
        }
        if (Environment.GetEnvironmentVariable("BENCH_OPERATIONS_HISTORY") == "0")
        {
            report.Note("90-day history skipped (BENCH_OPERATIONS_HISTORY=0).");
            return;
        }
        await HistorySizeAsync(ids);
    }

    private async Task<List<int>> ProbeLoadAsync(OperationsTarget.Handle target, double minutes)
    {
        var url = target.Url;
        var prober = host.Services.GetRequiredService<HealthProber>();
        using var me = Process.GetCurrentProcess();

        // The idle portal's own CPU (timers, the prober polling an empty table) for comparison.
        var idle = await CpuShareAsync(me, TimeSpan.FromSeconds(20));

        var sw = Stopwatch.StartNew();
        var slugs = host.Dataset.Services.Take(Checks).Select(s => s.Service.Slug).ToList();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var checks = scope.ServiceProvider.GetRequiredService<HealthChecksService>();
            foreach (var slug in slugs)
            {
                await checks.SaveAsync(Actor.System, HealthTarget.Service, slug, new HealthCheckInput
                {
                    Url = url + "/healthz",
                    IntervalSeconds = IntervalSeconds,
                    TimeoutSeconds = 5,
                    ExpectedStatus = [200],
                    Keyword = "ok",
                });
            }
        }
        Console.WriteLine($"  {Checks} checks saved in {sw.ElapsedMilliseconds} ms; one interval of warm-up");
        // Every check gets its first probe within one interval (its random phase); measure after that.
        await Task.Delay(TimeSpan.FromSeconds(IntervalSeconds));

        prober.StartLags.Clear();
        prober.RecordLags = true;
        GC.Collect();
        var window = TimeSpan.FromMinutes(minutes);
        me.Refresh();
        var cpuBefore = me.TotalProcessorTime;
        var targetBefore = target.Cpu;
        var loadBefore = BenchReport.LoadAverage();
        var wall = Stopwatch.StartNew();
        long peakWorkingSet = 0;
        long peakManaged = 0;
        while (wall.Elapsed < window)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            me.Refresh();
            peakWorkingSet = Math.Max(peakWorkingSet, me.WorkingSet64);
            peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
        }
        me.Refresh();
        // The window's length, read once: the idle measurement below comes after it and is not part of it.
        var measured = wall.Elapsed;
        var cpu = (me.TotalProcessorTime - cpuBefore).TotalMilliseconds / measured.TotalMilliseconds * 100;
        var targetCpu = (target.Cpu - targetBefore).TotalMilliseconds / measured.TotalMilliseconds * 100;
        var loadAfter = BenchReport.LoadAverage();
        prober.RecordLags = false;
        var lags = prober.StartLags.ToList();
        lags.Sort();
        var expected = Checks * measured.TotalSeconds / IntervalSeconds;

        List<int> ids;
        int down;
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            ids = await db.HealthChecks.Select(c => c.Id).ToListAsync();
            down = await db.HealthChecks.CountAsync(c => c.Status != HealthStatus.Up);
            // Stop probing so later benches (and part b) run on a quiet prober.
            await db.HealthChecks.ExecuteUpdateAsync(s => s.SetProperty(c => c.Enabled, false));
        }
        // Idle again, now warmed up (JIT tiering and the seed's garbage are behind it): the first idle window
        // right after seeding carries that start-up work, this one is the portal's steady idle cost.
        var idleWarm = await CpuShareAsync(me, TimeSpan.FromSeconds(20));

        // Per probe, so a run starved by a loaded machine (fewer probes than due) still compares with a quiet one.
        var cpuMsPerProbe = lags.Count == 0 ? double.NaN : cpu / 100 * measured.TotalMilliseconds / lags.Count;
        var netMsPerProbe = lags.Count == 0 ? double.NaN : (cpu - idleWarm) / 100 * measured.TotalMilliseconds / lags.Count;
        var atFullRate = idleWarm + netMsPerProbe * Checks / IntervalSeconds / 1000 * 100;
        var p50 = Percentile(lags, 0.50);
        var p95 = Percentile(lags, 0.95);
        var p99 = Percentile(lags, 0.99);
        report.Add("Operations: probe load", $"{Checks:N0} checks every {IntervalSeconds} s (GET + keyword) against a Kestrel target in its own process, {measured.TotalMinutes:F1} min measured after one interval of warm-up; {lags.Count:N0} probes started ({expected:N0} expected), {down} checks not up at the end");
        report.Add("Operations: CPU", $"portal process {cpu:F2} % of one core (target {TargetCpuPercent} %: {(cpu < TargetCpuPercent ? "met" : "NOT met")}); idle portal {idle:F2} % right after seeding, {idleWarm:F2} % warmed up with the checks disabled; {cpuMsPerProbe:F2} ms of portal CPU per probe ({netMsPerProbe:F2} ms above warm idle, so {atFullRate:F2} % of a core at the full {Checks / (double)IntervalSeconds:F1} probes/s); the target process (not counted) {targetCpu:F2} %; load average {loadBefore} before the window, {loadAfter} after");
        report.Add("Operations: due → start lag", $"p50 {p50:F0} ms, p95 {p95:F0} ms, p99 {p99:F0} ms, max {(lags.Count == 0 ? 0 : lags[^1]):F0} ms (target p95 < {TargetLagMs} ms: {(p95 < TargetLagMs ? "met" : "NOT met")})");
        report.Add("Operations: memory", $"working set peak {peakWorkingSet / 1048576.0:F0} MiB, managed heap peak {peakManaged / 1048576.0:F0} MiB (whole process, 10,000-service catalog loaded)");
        Console.WriteLine($"  CPU {cpu:F2} % (idle {idle:F2} % cold, {idleWarm:F2} % warm; {cpuMsPerProbe:F2} ms/probe, {netMsPerProbe:F2} above idle; target process {targetCpu:F2} %; load {loadAfter}), lag p95 {p95:F0} ms, {lags.Count} probes");
        return ids;
    }

    private async Task HistorySizeAsync(IReadOnlyList<int> ids)
    {
        var factory = host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var options = host.Services.GetRequiredService<IOptions<HealthOptions>>().Value;
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.HealthResults.ExecuteDeleteAsync();
            await db.HealthBuckets.ExecuteDeleteAsync();
            await db.HealthStatusChanges.ExecuteDeleteAsync();
            await db.Database.ExecuteSqlRawAsync("VACUUM;");
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        var before = new FileInfo(host.DatabasePath).Length;
        var sw = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        var random = new Random(7);
        var perProbe = TimeSpan.FromSeconds(IntervalSeconds);
        var samplesPerHour = (int)(TimeSpan.FromHours(1) / perProbe);

        // Hour buckets come from real BucketMath output over an hour's samples; a pool keeps the run short.
        var hourPool = Enumerable.Range(0, 2000)
            .Select(_ => BucketMath.FromSamples(0, Enumerable.Range(0, samplesPerHour).Select(_ => NextSample(random)).ToList()))
            .ToList();
        var rows = new Dictionary<string, long>();

        foreach (var chunk in ids.Chunk(50))
        {
            var buckets = new List<HealthBucket>();
            var raw = new List<HealthResult>();
            var changes = new List<HealthStatusChange>();
            foreach (var id in chunk)
            {
                // Raw results for the raw window, one per probe.
                for (var at = now - options.RawRetention; at < now; at += perProbe)
                {
                    var s = NextSample(random);
                    raw.Add(new HealthResult { CheckId = id, At = at, Status = s.Status, LatencyMs = s.LatencyMs, Reason = s.Status == HealthStatus.Down ? "Connection refused." : null });
                }
                // Minute buckets for their window, from that minute's two samples.
                for (var at = BucketKey.Floor(BucketResolution.Minute, now - options.MinuteRetention); at < now; at += TimeSpan.FromMinutes(1))
                {
                    buckets.Add(BucketMath.FromSamples(BucketKey.Make(id, BucketResolution.Minute, at), [NextSample(random), NextSample(random)]));
                }
                // Hour buckets for their window.
                for (var at = BucketKey.Floor(BucketResolution.Hour, now - options.HourRetention); at < now; at += TimeSpan.FromHours(1))
                {
                    buckets.Add(Rekey(hourPool[random.Next(hourPool.Count)], BucketKey.Make(id, BucketResolution.Hour, at)));
                }
                // Day buckets for all 90 days (the year's retention is not reached), combined from 24 hours.
                for (var at = BucketKey.Floor(BucketResolution.Day, now - TimeSpan.FromDays(90)); at < now; at += TimeSpan.FromDays(1))
                {
                    var parts = Enumerable.Range(0, 24).Select(_ => hourPool[random.Next(hourPool.Count)]).ToList();
                    buckets.Add(BucketMath.Combine(BucketKey.Make(id, BucketResolution.Day, at), parts));
                }
                // A flap (down, then up) about every two weeks per check: status changes are kept a year.
                for (var at = now - TimeSpan.FromDays(90); at < now; at += TimeSpan.FromDays(14))
                {
                    changes.Add(new HealthStatusChange { CheckId = id, At = at, From = HealthStatus.Up, To = HealthStatus.Down, Reason = "Unexpected status 503 Service Unavailable (expected 200)." });
                    changes.Add(new HealthStatusChange { CheckId = id, At = at.AddMinutes(3), From = HealthStatus.Down, To = HealthStatus.Up });
                }
            }
            await using var db = await factory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await HealthMonitor.ReplaceBucketsAsync(db, buckets, CancellationToken.None);
            db.HealthResults.AddRange(raw);
            db.HealthStatusChanges.AddRange(changes);
            await db.SaveChangesAsync();
            Count(rows, "raw results", raw.Count);
            Count(rows, "buckets", buckets.Count);
            Count(rows, "status changes", changes.Count);
        }

        // The prune must find nothing to drop: what was written is exactly what the policy keeps.
        await host.Services.GetRequiredService<HealthMonitor>().PruneAsync();
        long kept;
        await using (var db = await factory.CreateDbContextAsync())
        {
            kept = await db.HealthBuckets.LongCountAsync() + await db.HealthResults.LongCountAsync() + await db.HealthStatusChanges.LongCountAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        var after = new FileInfo(host.DatabasePath).Length;
        var history = (after - before) / 1048576.0;
        var written = rows.Values.Sum();
        report.Add("Operations: 90-day history", $"{Checks:N0} checks at {IntervalSeconds} s for 90 days under the default retention (raw {options.RawRetention.TotalHours:F0} h, minute buckets {options.MinuteRetention.TotalHours:F0} h, hour buckets {options.HourRetention.TotalDays:F0} d, day buckets 90 d, status flips): "
            + string.Join(", ", rows.Select(r => $"{r.Value:N0} {r.Key}")) + $"; {kept:N0} of {written:N0} rows survive a prune; written in {sw.Elapsed.TotalSeconds:F0} s");
        report.Add("Operations: SQLite size", $"health history {history:F1} MiB (target < {TargetMiB} MiB: {(history < TargetMiB ? "met" : "NOT met")}); whole file {after / 1048576.0:F1} MiB including the 10,000-service catalog ({before / 1048576.0:F1} MiB before)");
        Console.WriteLine($"  90-day history {history:F1} MiB");
    }

    private static Sample NextSample(Random random) => random.Next(1000) switch
    {
        0 => new Sample(HealthStatus.Down, null),
        < 5 => new Sample(HealthStatus.Degraded, 800 + random.Next(2000)),
        _ => new Sample(HealthStatus.Up, 2 + random.Next(60)),
    };

    private static HealthBucket Rekey(HealthBucket b, long key) => new()
    {
        Key = key,
        Total = b.Total,
        Up = b.Up,
        Degraded = b.Degraded,
        Down = b.Down,
        LatencySumMs = b.LatencySumMs,
        LatencyCount = b.LatencyCount,
        LatencyMaxMs = b.LatencyMaxMs,
        LatencyP95Ms = b.LatencyP95Ms,
    };

    private static void Count(Dictionary<string, long> rows, string name, long n) => rows[name] = rows.GetValueOrDefault(name) + n;

    private static async Task<double> CpuShareAsync(Process me, TimeSpan window)
    {
        me.Refresh();
        var before = me.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(window);
        me.Refresh();
        return (me.TotalProcessorTime - before).TotalMilliseconds / wall.Elapsed.TotalMilliseconds * 100;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
