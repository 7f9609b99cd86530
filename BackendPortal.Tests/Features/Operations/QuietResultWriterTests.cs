using BackendPortal.Data;
using BackendPortal.Infrastructure;
using BackendPortal.Live;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Operations;

/// <summary>
/// The plain-statement recording of probes that confirm their check's status, and the tracked path it hands over to
/// when a check changed under it.
/// </summary>
public sealed class QuietResultWriterTests(OperationsFactory factory) : IClassFixture<OperationsFactory>, IAsyncLifetime
{
    private TestListener listener = null!;

    public async Task InitializeAsync() => listener = await TestListener.StartAsync();

    public async Task DisposeAsync() => await listener.DisposeAsync();

    /// <summary>Checks probed once (so they are up), then due again; returns their ids.</summary>
    private async Task<List<int>> UpChecksAsync(int count, int? autoIncidentAfterSeconds = null)
    {
        var team = await factory.CreateTeamAsync();
        var ids = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var service = await factory.CreateServiceAsync(team.Slug);
            var details = await factory.WithServiceAsync<HealthChecksService, HealthCheckDetails>(s =>
                s.SaveAsync(Actor.System, HealthTarget.Service, service.Slug, new HealthCheckInput
                {
                    Url = listener.Url + "/health",
                    IntervalSeconds = 30,
                    TimeoutSeconds = 2,
                    AutoIncidentAfterSeconds = autoIncidentAfterSeconds,
                }));
            ids.Add(await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Service!.Slug == service.Slug).Select(c => c.Id).SingleAsync()));
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        await factory.Prober.RunDueAsync();
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        return ids;
    }

    /// <summary>Claims what is due and keeps only the claims of <paramref name="ids"/> (the rest are given back).</summary>
    private async Task<List<ClaimedCheck>> ClaimAsync(IReadOnlyCollection<int> ids)
    {
        var claims = await factory.Monitor.ClaimDueAsync(1000);
        foreach (var other in claims.Where(c => !ids.Contains(c.Probe.CheckId)))
        {
            await factory.Monitor.ReleaseAsync(other);
        }
        var mine = claims.Where(c => ids.Contains(c.Probe.CheckId)).ToList();
        Assert.Equal(ids.Count, mine.Count);
        return mine;
    }

    private Task<HealthCheck> CheckAsync(int id) => factory.WithDbAsync(db => db.HealthChecks.AsNoTracking().SingleAsync(c => c.Id == id));

    [Fact]
    public async Task A_quiet_batch_records_each_result_and_reschedules_each_check()
    {
        var ids = await UpChecksAsync(3);
        var claims = await ClaimAsync(ids);
        Assert.All(claims, c => Assert.Equal(HealthStatus.Up, c.Status));
        Assert.All(claims, c => Assert.Equal(30, c.IntervalSeconds));
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var results = claims.Select((c, i) => new ProbeResult(c, new ProbeOutcome(true, 10 + i, null, 200), now.AddMilliseconds(i))).ToList();
        Assert.All(results, r => Assert.True(QuietResultWriter.IsQuiet(r)));
        var changesBefore = await factory.WithDbAsync(db => db.HealthStatusChanges.CountAsync(c => ids.Contains(c.CheckId)));

        bool written;
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            written = await QuietResultWriter.TryWriteAsync(db, results, CancellationToken.None);
        }

        Assert.True(written);
        foreach (var result in results)
        {
            var id = result.Claim.Probe.CheckId;
            var check = await CheckAsync(id);
            Assert.Equal(HealthStatus.Up, check.Status);
            Assert.Equal(result.At, check.LastCheckedAt);
            Assert.Equal(result.Outcome.LatencyMs, check.LastLatencyMs);
            Assert.Null(check.LastReason);
            Assert.Equal(0, check.ConsecutiveFailures);
            Assert.Null(check.LeaseOwner);
            Assert.Null(check.LeaseUntil);
            Assert.Equal(result.Claim.DueAt.AddSeconds(30), check.NextDueAt);
            var last = await factory.WithDbAsync(db => db.HealthResults.Where(r => r.CheckId == id).OrderByDescending(r => r.Id).FirstAsync());
            Assert.Equal(result.At, last.At);
            Assert.Equal(HealthStatus.Up, last.Status);
            Assert.Equal(result.Outcome.LatencyMs, last.LatencyMs);
            Assert.Equal(2, await factory.WithDbAsync(db => db.HealthResults.CountAsync(r => r.CheckId == id)));
        }
        Assert.Equal(changesBefore, await factory.WithDbAsync(db => db.HealthStatusChanges.CountAsync(c => ids.Contains(c.CheckId))));
    }

    [Fact]
    public async Task A_lease_taken_over_and_an_edit_while_probing_are_both_kept()
    {
        var ids = await UpChecksAsync(2);
        var claims = await ClaimAsync(ids);
        var (leased, edited) = (claims[0], claims[1]);
        // The first lease lapsed and another instance holds the check now; the second check was edited mid-probe.
        var otherUntil = factory.Clock.GetUtcNow().UtcDateTime.AddMinutes(3);
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id == leased.Probe.CheckId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, "another-instance").SetProperty(c => c.LeaseUntil, otherUntil)));
        var editedDue = factory.Clock.GetUtcNow().UtcDateTime.AddSeconds(7);
        var editedAt = factory.Clock.GetUtcNow().UtcDateTime.AddMilliseconds(1);
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id == edited.Probe.CheckId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, editedAt).SetProperty(c => c.NextDueAt, editedDue)));
        var now = factory.Clock.GetUtcNow().UtcDateTime;

        await factory.Monitor.RecordManyAsync([
            new ProbeResult(leased, new ProbeOutcome(true, 5, null, 200), now),
            new ProbeResult(edited, new ProbeOutcome(true, 6, null, 200), now),
        ]);

        var first = await CheckAsync(leased.Probe.CheckId);
        Assert.Equal("another-instance", first.LeaseOwner);
        Assert.Equal(otherUntil, first.LeaseUntil);
        Assert.Equal(5, first.LastLatencyMs);
        var second = await CheckAsync(edited.Probe.CheckId);
        Assert.Equal(editedDue, second.NextDueAt);
        Assert.Null(second.LeaseOwner);
        Assert.Equal(6, second.LastLatencyMs);
    }

    [Fact]
    public async Task A_check_whose_status_changed_since_its_claim_is_recorded_with_its_flip_and_event()
    {
        var ids = await UpChecksAsync(2);
        var claims = await ClaimAsync(ids);
        var (changed, steady) = (claims[0], claims[1]);
        // Its status changed after the claim (as another writer could): the probe's "up" is a flip now.
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id == changed.Probe.CheckId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, HealthStatus.Down).SetProperty(c => c.ConsecutiveFailures, 3)));
        var flips = new List<HealthStatusChanged>();
        using var subscription = factory.Services.GetRequiredService<ILiveEvents>().Subscribe<HealthStatusChanged>(e =>
        {
            lock (flips)
            {
                flips.Add(e);
            }
            return Task.CompletedTask;
        });
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var batch = new[] { new ProbeResult(changed, new ProbeOutcome(true, 8, null, 200), now), new ProbeResult(steady, new ProbeOutcome(true, 9, null, 200), now) };
        Assert.All(batch, r => Assert.True(QuietResultWriter.IsQuiet(r)));

        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await QuietResultWriter.TryWriteAsync(db, batch, CancellationToken.None));
        }
        // Turned down means nothing written, for either check.
        Assert.Equal(1, await factory.WithDbAsync(db => db.HealthResults.CountAsync(r => r.CheckId == steady.Probe.CheckId)));
        Assert.NotNull((await CheckAsync(steady.Probe.CheckId)).LeaseOwner);

        await factory.Monitor.RecordManyAsync(batch);

        var flipped = await CheckAsync(changed.Probe.CheckId);
        Assert.Equal(HealthStatus.Up, flipped.Status);
        Assert.Equal(now, flipped.StatusSince);
        Assert.Equal(0, flipped.ConsecutiveFailures);
        Assert.Null(flipped.LeaseOwner);
        var change = await factory.WithDbAsync(db => db.HealthStatusChanges.Where(c => c.CheckId == changed.Probe.CheckId).OrderByDescending(c => c.Id).FirstAsync());
        Assert.Equal((HealthStatus.Down, HealthStatus.Up), (change.From, change.To));
        await HealthMonitorTests.WaitForAsync(() => { lock (flips) { return flips.Any(f => f.CheckId == changed.Probe.CheckId); } });
        lock (flips)
        {
            Assert.DoesNotContain(flips, f => f.CheckId == steady.Probe.CheckId);
        }
        Assert.Equal(2, await factory.WithDbAsync(db => db.HealthResults.CountAsync(r => r.CheckId == steady.Probe.CheckId)));
        Assert.Equal(9, (await CheckAsync(steady.Probe.CheckId)).LastLatencyMs);
    }

    [Fact]
    public async Task A_batch_mixing_quiet_probes_and_a_failure_still_opens_the_auto_incident()
    {
        var ids = await UpChecksAsync(3, autoIncidentAfterSeconds: 30);
        var down = ids[0];
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        // Down for a minute already, past its 30 s.
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id == down)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, HealthStatus.Down).SetProperty(c => c.StatusSince, now.AddMinutes(-1)).SetProperty(c => c.ConsecutiveFailures, 2)));
        var claims = await ClaimAsync(ids);
        var results = claims.Select(c => c.Probe.CheckId == down
            ? new ProbeResult(c, new ProbeOutcome(false, 3, "Connection refused.", null), now)
            : new ProbeResult(c, new ProbeOutcome(true, 4, null, 200), now)).ToList();
        Assert.Equal(2, results.Count(QuietResultWriter.IsQuiet));

        await factory.Monitor.RecordManyAsync(results);

        var incident = await factory.WithDbAsync(db => db.Incidents.SingleAsync(i => i.OpenedByCheckId == down));
        Assert.Equal(IncidentStatus.Investigating, incident.Status);
        var stillDown = await CheckAsync(down);
        Assert.Equal(3, stillDown.ConsecutiveFailures);
        Assert.Equal("Connection refused.", stillDown.LastReason);
        foreach (var id in ids)
        {
            Assert.Equal(2, await factory.WithDbAsync(db => db.HealthResults.CountAsync(r => r.CheckId == id)));
            Assert.Null((await CheckAsync(id)).LeaseOwner);
        }
    }

    [Fact]
    public async Task A_check_deleted_while_its_probe_ran_is_skipped_and_the_rest_recorded()
    {
        var ids = await UpChecksAsync(2);
        var claims = await ClaimAsync(ids);
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id == ids[0]).ExecuteDeleteAsync());
        var now = factory.Clock.GetUtcNow().UtcDateTime;

        await factory.Monitor.RecordManyAsync([.. claims.Select(c => new ProbeResult(c, new ProbeOutcome(true, 2, null, 200), now))]);

        Assert.Equal(0, await factory.WithDbAsync(db => db.HealthResults.CountAsync(r => r.CheckId == ids[0])));
        Assert.Equal(2, await factory.WithDbAsync(db => db.HealthResults.CountAsync(r => r.CheckId == ids[1])));
    }

    [Fact]
    public async Task Two_results_of_one_check_in_a_batch_are_applied_in_order()
    {
        var ids = await UpChecksAsync(1);
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id == ids[0]).ExecuteUpdateAsync(s => s.SetProperty(c => c.DegradedAboveMs, 100)));
        var claim = Assert.Single(await ClaimAsync(ids));
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var slow = new ProbeResult(claim, new ProbeOutcome(true, 500, null, 200), now);
        var quick = new ProbeResult(claim, new ProbeOutcome(true, 5, null, 200), now.AddSeconds(1));
        // Alone, the quick one would be quiet; after the slow one it is a flip back from degraded.
        Assert.True(QuietResultWriter.IsQuiet(quick));

        await factory.Monitor.RecordManyAsync([slow, quick]);

        var changes = await factory.WithDbAsync(db => db.HealthStatusChanges.Where(c => c.CheckId == ids[0]).OrderBy(c => c.Id).Select(c => c.To).ToListAsync());
        Assert.Equal([HealthStatus.Up, HealthStatus.Degraded, HealthStatus.Up], changes);
        Assert.Equal(3, await factory.WithDbAsync(db => db.HealthResults.CountAsync(r => r.CheckId == ids[0])));
    }
}
