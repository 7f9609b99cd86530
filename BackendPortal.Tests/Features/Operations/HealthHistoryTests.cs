using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Operations;

/// <summary>Rollups and pruning on a fake clock, with results written straight into the raw table.</summary>
public sealed class HealthHistoryTests(OperationsFactory factory) : IClassFixture<OperationsFactory>
{
    private async Task<(int CheckId, string Slug)> CheckAsync()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var id = await factory.WithDbAsync(async db =>
        {
            var serviceId = await db.Services.Where(s => s.Slug == service.Slug).Select(s => s.Id).FirstAsync();
            var check = new HealthCheck { ServiceId = serviceId, Url = "http://127.0.0.1:9/", IntervalSeconds = 30, TimeoutSeconds = 5, Enabled = false, NextDueAt = DateTime.MaxValue };
            db.HealthChecks.Add(check);
            await db.SaveChangesAsync();
            return check.Id;
        });
        return (id, service.Slug);
    }

    private async Task AddResultsAsync(int checkId, DateTime from, TimeSpan length, Func<int, (HealthStatus, int)> sample)
    {
        await factory.WithDbAsync(async db =>
        {
            var n = 0;
            for (var at = from; at < from + length; at += TimeSpan.FromSeconds(30), n++)
            {
                var (status, latency) = sample(n);
                db.HealthResults.Add(new HealthResult { CheckId = checkId, At = at, Status = status, LatencyMs = latency });
            }
            return await db.SaveChangesAsync();
        });
    }

    [Fact]
    public void Bucket_keys_round_trip_and_keep_one_checks_periods_contiguous()
    {
        var at = new DateTime(2026, 11, 28, 10, 17, 0, DateTimeKind.Utc);
        foreach (var resolution in Enum.GetValues<BucketResolution>())
        {
            var key = BucketKey.Make(123456, resolution, at);
            Assert.Equal(123456, BucketKey.CheckId(key));
            Assert.Equal(resolution, BucketKey.Resolution(key));
            Assert.Equal(BucketKey.Floor(resolution, at), BucketKey.Start(key));
            Assert.True(BucketKey.Make(123456, resolution, at + BucketKey.Length(resolution)) == key + 1);
            Assert.True(BucketKey.Make(123457, BucketResolution.Minute, BucketKey.Epoch) > BucketKey.Make(123456, BucketResolution.Day, at.AddYears(50)));
        }
    }

    [Fact]
    public void Combining_buckets_sums_counts_and_weights_p95_by_samples()
    {
        var a = BucketMath.FromSamples(1, [new(HealthStatus.Up, 10), new(HealthStatus.Up, 20), new(HealthStatus.Down, null)]);
        Assert.Equal((3, 2, 1, 20, 30L), (a.Total, a.Up, a.Down, a.LatencyP95Ms, a.LatencySumMs));
        var slow = BucketMath.FromSamples(2, Enumerable.Repeat(new Sample(HealthStatus.Degraded, 900), 10).ToList());
        var all = BucketMath.Combine(3, [a, slow]);
        Assert.Equal(13, all.Total);
        Assert.Equal(10, all.Degraded);
        Assert.Equal(900, all.LatencyP95Ms);
        Assert.Equal(900, all.LatencyMaxMs);
    }

    [Fact]
    public async Task Rollups_fill_minute_hour_and_day_buckets_and_pruning_keeps_each_for_its_window()
    {
        var (checkId, slug) = await CheckAsync();
        // A fixed hour of the next day: started at 23:00, the minutes of the last hour would still be inside the
        // 25-hour minute window at the "day later" below (00:01 two days on), and the test failed from 22:00 to 23:00.
        var start = BucketKey.Floor(BucketResolution.Day, factory.Clock.GetUtcNow().UtcDateTime) + TimeSpan.FromHours(34);
        factory.Clock.SetUtcNow(start);
        // One hour: every tenth probe down, latency 100 ms, every twentieth 500 ms.
        await AddResultsAsync(checkId, start, TimeSpan.FromHours(1), n => (n % 10 == 0 ? HealthStatus.Down : HealthStatus.Up, n % 20 == 1 ? 500 : 100));
        factory.Clock.SetUtcNow(start + TimeSpan.FromMinutes(61));
        await factory.Monitor.RollupAsync();

        var buckets = await factory.WithDbAsync(db => db.HealthBuckets.AsNoTracking().ToListAsync());
        var mine = buckets.Where(b => BucketKey.CheckId(b.Key) == checkId).ToList();
        var minutes = mine.Where(b => BucketKey.Resolution(b.Key) == BucketResolution.Minute).ToList();
        var hour = Assert.Single(mine, b => BucketKey.Resolution(b.Key) == BucketResolution.Hour);
        Assert.Equal(60, minutes.Count);
        Assert.All(minutes, m => Assert.Equal(2, m.Total));
        Assert.Equal(120, hour.Total);
        Assert.Equal(12, hour.Down);
        Assert.Equal(start, BucketKey.Start(hour.Key));

        // Running the rollup again changes nothing (a second instance may do it too).
        await factory.Monitor.RollupAsync();
        Assert.Equal(mine.Count, await factory.WithDbAsync(db => Task.FromResult(db.HealthBuckets.AsEnumerable().Count(b => BucketKey.CheckId(b.Key) == checkId))));

        var health = await factory.WithServiceAsync<HealthChecksService, HealthSummary>(s => s.SummaryAsync(HealthTarget.Service, slug));
        Assert.Equal(90.0, health.Uptime24h);
        Assert.Equal(90.0, health.Uptime30d);

        // A day later: the day bucket exists, the minutes are pruned, raw results are gone, the hour stays.
        factory.Clock.SetUtcNow(BucketKey.Floor(BucketResolution.Day, start) + TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        await factory.Monitor.RollupAsync();
        await factory.Monitor.PruneAsync();
        var after = await factory.WithDbAsync(db => Task.FromResult(db.HealthBuckets.AsNoTracking().AsEnumerable().Where(b => BucketKey.CheckId(b.Key) == checkId).ToList()));
        Assert.DoesNotContain(after, b => BucketKey.Resolution(b.Key) == BucketResolution.Minute);
        Assert.Single(after, b => BucketKey.Resolution(b.Key) == BucketResolution.Hour);
        var day = Assert.Single(after, b => BucketKey.Resolution(b.Key) == BucketResolution.Day);
        Assert.Equal(120, day.Total);
        Assert.Equal(0, await factory.WithDbAsync(db => db.HealthResults.CountAsync(r => r.CheckId == checkId)));
        health = await factory.WithServiceAsync<HealthChecksService, HealthSummary>(s => s.SummaryAsync(HealthTarget.Service, slug));
        Assert.Null(health.Uptime24h);
        Assert.Equal(90.0, health.Uptime7d);

        // After 31 days only the day bucket is left; after a year nothing.
        factory.Clock.Advance(TimeSpan.FromDays(32));
        await factory.Monitor.PruneAsync();
        after = await factory.WithDbAsync(db => Task.FromResult(db.HealthBuckets.AsNoTracking().AsEnumerable().Where(b => BucketKey.CheckId(b.Key) == checkId).ToList()));
        Assert.Equal(BucketResolution.Day, BucketKey.Resolution(Assert.Single(after).Key));
        factory.Clock.Advance(TimeSpan.FromDays(340));
        await factory.Monitor.PruneAsync();
        Assert.Empty(await factory.WithDbAsync(db => Task.FromResult(db.HealthBuckets.AsEnumerable().Where(b => BucketKey.CheckId(b.Key) == checkId).ToList())));
    }
}
