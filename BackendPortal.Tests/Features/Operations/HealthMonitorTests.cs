using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using BackendPortal.Live;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Operations;

public sealed class HealthMonitorTests(OperationsFactory factory) : IClassFixture<OperationsFactory>, IAsyncLifetime
{
    private TestListener listener = null!;

    public async Task InitializeAsync() => listener = await TestListener.StartAsync();

    public async Task DisposeAsync() => await listener.DisposeAsync();

    private async Task<(HttpClient Client, string Slug)> ServiceWithOwnerAsync()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var admin = await factory.CreateUserAsync(Roles.Admin);
        return (factory.BearerClient(await factory.CreateTokenAsync(admin, "read,write")), service.Slug);
    }

    private async Task<HttpResponseMessage> PutCheckAsync(HttpClient client, string slug, object body) =>
        await client.PutAsJsonAsync($"/api/v1/services/{slug}/health-check", body);

    private async Task ProbeDueAsync()
    {
        // A new check is due somewhere within its first interval.
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        await factory.Prober.RunDueAsync();
    }

    private async Task<HealthCheck> CheckOfAsync(string slug) =>
        await factory.WithDbAsync(db => db.HealthChecks.AsNoTracking().FirstAsync(c => c.Service!.Slug == slug));

    [Fact]
    public async Task Put_saves_the_check_and_never_shows_header_values_back()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        var response = await PutCheckAsync(client, slug, new
        {
            url = listener.Url + "/health",
            intervalSeconds = 30,
            timeoutSeconds = 5,
            expectedStatus = new[] { 200 },
            keyword = "ok",
            retries = 1,
            degradedAboveMs = 800,
            autoIncidentAfterSeconds = 120,
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer very-secret" },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("very-secret", text);
        var saved = JsonDocument.Parse(text).RootElement;
        Assert.Equal(30, saved.GetProperty("intervalSeconds").GetInt32());
        Assert.Equal("Authorization", saved.GetProperty("headerNames")[0].GetString());
        Assert.DoesNotContain("very-secret", await client.GetStringAsync($"/api/v1/services/{slug}/health-check"));

        // Omitting headers keeps them; the probe still sends the stored value.
        string? seen = null;
        listener.Handler = ctx =>
        {
            seen = ctx.Request.Headers.Authorization;
            return ctx.Response.WriteAsync("ok");
        };
        Assert.Equal(HttpStatusCode.OK, (await PutCheckAsync(client, slug, new { url = listener.Url + "/health", intervalSeconds = 30, timeoutSeconds = 5 })).StatusCode);
        await ProbeDueAsync();
        Assert.Equal("Bearer very-secret", seen);
    }

    [Fact]
    public async Task Header_values_are_protected_at_rest_and_the_probe_sends_the_plain_value()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        var response = await PutCheckAsync(client, slug, new
        {
            url = listener.Url + "/health",
            intervalSeconds = 30,
            headers = new Dictionary<string, string> { ["X-Api-Key"] = "key-123-plain" },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await CheckOfAsync(slug)).HeadersJson!;
        Assert.DoesNotContain("key-123-plain", stored);
        var value = HeaderProtector.ReadStored(stored)["X-Api-Key"];
        Assert.True(HeaderProtector.IsProtected(value));
        // The payload is bound to its purpose: another protector of the same key ring cannot read it.
        var provider = factory.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => provider.CreateProtector("something-else").Unprotect(value["dp1:".Length..]));

        string? seen = null;
        listener.Handler = ctx =>
        {
            seen = ctx.Request.Headers["X-Api-Key"];
            return ctx.Response.WriteAsync("ok");
        };
        await ProbeDueAsync();
        Assert.Equal("key-123-plain", seen);

        // Keeping the value (null) on a save keeps the protected text as it was.
        Assert.Equal(HttpStatusCode.OK, (await PutCheckAsync(client, slug, new
        {
            url = listener.Url + "/health",
            intervalSeconds = 30,
            headers = new Dictionary<string, string?> { ["X-Api-Key"] = null },
        })).StatusCode);
        Assert.Equal(value, HeaderProtector.ReadStored((await CheckOfAsync(slug)).HeadersJson)["X-Api-Key"]);
    }

    [Fact]
    public async Task Plain_values_stored_before_protection_still_work_and_are_protected_once()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        Assert.Equal(HttpStatusCode.OK, (await PutCheckAsync(client, slug, new { url = listener.Url + "/health", intervalSeconds = 30 })).StatusCode);
        var id = (await CheckOfAsync(slug)).Id;
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.HeadersJson, "{\"Authorization\":\"Bearer legacy-plain\"}")));

        string? seen = null;
        listener.Handler = ctx =>
        {
            seen = ctx.Request.Headers.Authorization;
            return ctx.Response.WriteAsync("ok");
        };
        await ProbeDueAsync();
        Assert.Equal("Bearer legacy-plain", seen);

        Assert.True(await factory.Monitor.ProtectLegacyHeadersAsync() >= 1);
        Assert.DoesNotContain("legacy-plain", (await CheckOfAsync(slug)).HeadersJson);
        Assert.Equal(0, await factory.Monitor.ProtectLegacyHeadersAsync());
        seen = null;
        factory.Clock.Advance(TimeSpan.FromSeconds(31));
        await factory.Prober.RunDueAsync();
        Assert.Equal("Bearer legacy-plain", seen);
    }

    [Fact]
    public async Task Invalid_checks_are_refused_with_field_errors_and_nothing_saved()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        var response = await PutCheckAsync(client, slug, new { url = "ftp://example.com", intervalSeconds = 0, timeoutSeconds = 500, expectedStatus = new[] { 42 }, jsonPath = "status" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        foreach (var field in new[] { "url", "intervalSeconds", "timeoutSeconds", "expectedStatus", "jsonPath" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/services/{slug}/health-check")).StatusCode);
    }

    [Fact]
    public async Task Status_follows_the_listener_with_retries_and_health_reports_uptime()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        await PutCheckAsync(client, slug, new { url = listener.Url + "/health", intervalSeconds = 10, timeoutSeconds = 2, retries = 1 });
        var health = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{slug}/health");
        Assert.Equal("unknown", health.GetProperty("status").GetString());

        await ProbeDueAsync();
        Assert.Equal(HealthStatus.Up, (await CheckOfAsync(slug)).Status);

        listener.Handler = ctx =>
        {
            ctx.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await factory.Prober.RunDueAsync();
        // One retry allowed: the first failure does not flip the status yet.
        Assert.Equal(HealthStatus.Up, (await CheckOfAsync(slug)).Status);
        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await factory.Prober.RunDueAsync();
        var down = await CheckOfAsync(slug);
        Assert.Equal(HealthStatus.Down, down.Status);
        Assert.StartsWith("Unexpected status 500", down.LastReason);

        health = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{slug}/health");
        Assert.Equal("down", health.GetProperty("status").GetString());
        Assert.Equal(100.0 / 3, health.GetProperty("uptime24h").GetDouble(), 2);
        Assert.True(health.GetProperty("latencyP95Ms").GetInt32() >= 0);
        var changes = await factory.WithDbAsync(db => db.HealthStatusChanges.Where(c => c.CheckId == down.Id).OrderBy(c => c.Id).Select(c => c.To).ToListAsync());
        Assert.Equal([HealthStatus.Up, HealthStatus.Down], changes);
    }

    [Fact]
    public async Task A_flapping_target_records_every_flip_and_publishes_it()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        await PutCheckAsync(client, slug, new { url = listener.Url + "/health", intervalSeconds = 5, timeoutSeconds = 2 });
        var flips = new List<HealthStatus>();
        using var subscription = factory.Services.GetRequiredService<ILiveEvents>().Subscribe<HealthStatusChanged>(e =>
        {
            if (e.ServiceSlug == slug)
            {
                lock (flips)
                {
                    flips.Add(e.To);
                }
            }
            return Task.CompletedTask;
        });
        var up = true;
        listener.Handler = ctx =>
        {
            ctx.Response.StatusCode = up ? 200 : 503;
            return Task.CompletedTask;
        };
        await ProbeDueAsync();
        for (var i = 0; i < 5; i++)
        {
            up = !up;
            factory.Clock.Advance(TimeSpan.FromSeconds(5));
            await factory.Prober.RunDueAsync();
        }
        var check = await CheckOfAsync(slug);
        var stored = await factory.WithDbAsync(db => db.HealthStatusChanges.CountAsync(c => c.CheckId == check.Id));
        Assert.Equal(6, stored);
        await WaitForAsync(() => { lock (flips) { return flips.Count == 6; } });
        lock (flips)
        {
            Assert.Equal([HealthStatus.Up, HealthStatus.Down, HealthStatus.Up, HealthStatus.Down, HealthStatus.Up, HealthStatus.Down], flips);
        }
    }

    [Fact]
    public async Task A_database_check_flip_is_published_with_the_database_slug()
    {
        var team = await factory.CreateTeamAsync();
        var database = await factory.CreateDatabaseAsync(team.Slug);
        var admin = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Admin));
        await factory.WithServiceAsync<HealthChecksService, HealthCheckDetails>(s =>
            s.SaveAsync(admin, HealthTarget.Database, database.Slug, new HealthCheckInput { Url = listener.Url + "/db", IntervalSeconds = 30, TimeoutSeconds = 2 }));
        var seen = new List<HealthStatusChanged>();
        using var subscription = factory.Services.GetRequiredService<ILiveEvents>().Subscribe<HealthStatusChanged>(e =>
        {
            if (e.DatabaseSlug == database.Slug)
            {
                lock (seen)
                {
                    seen.Add(e);
                }
            }
            return Task.CompletedTask;
        });
        listener.Handler = ctx =>
        {
            ctx.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        await ProbeDueAsync();
        await WaitForAsync(() => { lock (seen) { return seen.Count == 1; } });
        lock (seen)
        {
            var flip = Assert.Single(seen);
            Assert.Null(flip.ServiceSlug);
            Assert.Equal(HealthStatus.Down, flip.To);
        }
        var reason = await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Database!.Slug == database.Slug).Select(c => c.LastReason).SingleAsync());
        Assert.StartsWith("Unexpected status 503", reason);
    }

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(20, cts.Token);
        }
    }

    [Fact]
    public async Task A_check_stuck_down_opens_one_incident_and_its_recovery_is_written_to_it()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        await PutCheckAsync(client, slug, new { url = listener.Url + "/health", intervalSeconds = 30, timeoutSeconds = 2, autoIncidentAfterSeconds = 60 });
        var healthy = false;
        listener.Handler = ctx =>
        {
            ctx.Response.StatusCode = healthy ? 200 : 500;
            return Task.CompletedTask;
        };
        await ProbeDueAsync();
        async Task<List<Incident>> IncidentsAsync() => await factory.WithDbAsync(db =>
            db.Incidents.Include(i => i.Entries).Where(i => i.Services.Any(s => s.Service.Slug == slug)).ToListAsync());
        Assert.Empty(await IncidentsAsync());
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await factory.Prober.RunDueAsync();
        Assert.Empty(await IncidentsAsync());
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await factory.Prober.RunDueAsync();
        var opened = Assert.Single(await IncidentsAsync());
        Assert.Equal(IncidentStatus.Investigating, opened.Status);
        Assert.NotNull(opened.OpenedByCheckId);
        // The recorder loads the service only when an incident may open: its name still titles the incident.
        var name = await factory.WithDbAsync(db => db.Services.Where(s => s.Slug == slug).Select(s => s.Name).SingleAsync());
        Assert.Equal($"{name} is down", opened.Title);

        // Still down: no second incident while this one is open.
        for (var i = 0; i < 3; i++)
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
            await factory.Prober.RunDueAsync();
        }
        Assert.Single(await IncidentsAsync());

        healthy = true;
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await factory.Prober.RunDueAsync();
        var incident = Assert.Single(await IncidentsAsync());
        Assert.Contains(incident.Entries, e => e.Kind == IncidentEntryKind.Health && e.Text.StartsWith("Health check recovered", StringComparison.Ordinal));
        var list = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?status=open&service={slug}");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_lease_keeps_a_second_claimer_off_a_check_until_it_lapses()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        await PutCheckAsync(client, slug, new { url = listener.Url + "/health", intervalSeconds = 30, timeoutSeconds = 2 });
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        var check = await CheckOfAsync(slug);
        var first = await factory.Monitor.ClaimDueAsync(1000);
        Assert.Contains(first, c => c.Probe.CheckId == check.Id);
        var second = await factory.Monitor.ClaimDueAsync(1000);
        Assert.DoesNotContain(second, c => c.Probe.CheckId == check.Id);
        factory.Clock.Advance(HealthMonitor.LeaseLength + TimeSpan.FromSeconds(1));
        var afterLapse = await factory.Monitor.ClaimDueAsync(1000);
        Assert.Contains(afterLapse, c => c.Probe.CheckId == check.Id);
        foreach (var claim in first.Concat(afterLapse))
        {
            await factory.Monitor.ReleaseAsync(claim);
        }
    }

    [Fact]
    public async Task A_check_due_before_the_next_poll_is_claimed_early_and_probed_at_its_due_time()
    {
        var (client, slug) = await ServiceWithOwnerAsync();
        await PutCheckAsync(client, slug, new { url = listener.Url + "/health", intervalSeconds = 30, timeoutSeconds = 2 });
        await ProbeDueAsync();
        // The checks other tests left behind have random phases: put them out of the way (a claim takes at most
        // MaxConcurrency, oldest due first) and ours 10 s ahead, so only ours falls into the lookahead.
        var id = (await CheckOfAsync(slug)).Id;
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id != id).ExecuteUpdateAsync(s => s.SetProperty(c => c.NextDueAt, now.AddDays(1))));
        await factory.WithDbAsync(db => db.HealthChecks.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.NextDueAt, now.AddSeconds(10))));
        var check = await CheckOfAsync(slug);
        factory.Clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(400));
        var withoutLookahead = await factory.Monitor.ClaimDueAsync(1000);
        foreach (var claim in withoutLookahead)
        {
            await factory.Monitor.ReleaseAsync(claim);
        }
        Assert.DoesNotContain(withoutLookahead, c => c.Probe.CheckId == check.Id);

        var before = listener.Requests;
        factory.Prober.StartLags.Clear();
        factory.Prober.RecordLags = true;
        try
        {
            await factory.Prober.StartDueAsync(CancellationToken.None, TimeSpan.FromSeconds(1));
            Assert.NotNull((await CheckOfAsync(slug)).LeaseOwner);
            // Past the whole lookahead, so every check claimed with it (other tests' too) is due. A probe that read
            // the clock just before this advance sets its timer just after it, relative to the new time: keep
            // nudging the fake clock until everything in flight has finished.
            factory.Clock.Advance(TimeSpan.FromSeconds(1));
            var run = factory.Prober.RunDueAsync();
            for (var i = 0; i < 200 && !run.IsCompleted; i++)
            {
                await Task.WhenAny(run, Task.Delay(50));
                if (!run.IsCompleted)
                {
                    factory.Clock.Advance(TimeSpan.FromMilliseconds(100));
                }
            }
            await run;
        }
        finally
        {
            factory.Prober.RecordLags = false;
        }
        Assert.Equal(before + 1, listener.Requests);
        // Started at (or after) its due time, not when it was claimed 400 ms earlier.
        Assert.NotEmpty(factory.Prober.StartLags);
        Assert.All(factory.Prober.StartLags, lag => Assert.True(lag >= 0, $"started {-lag} ms early"));
        Assert.Equal(check.NextDueAt.AddSeconds(30), (await CheckOfAsync(slug)).NextDueAt);
    }

    [Fact]
    public async Task Probes_recorded_together_keep_their_own_end_times_and_outcomes()
    {
        var (client, up) = await ServiceWithOwnerAsync();
        var (_, down) = await ServiceWithOwnerAsync();
        await PutCheckAsync(client, up, new { url = listener.Url + "/up", intervalSeconds = 30, timeoutSeconds = 2 });
        await PutCheckAsync(client, down, new { url = listener.Url + "/down", intervalSeconds = 30, timeoutSeconds = 2, retries = 0 });
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        var ids = new[] { (await CheckOfAsync(up)).Id, (await CheckOfAsync(down)).Id };
        var claims = await factory.Monitor.ClaimDueAsync(1000);
        foreach (var other in claims.Where(c => !ids.Contains(c.Probe.CheckId)))
        {
            await factory.Monitor.ReleaseAsync(other);
        }
        var recorder = factory.Services.GetRequiredService<HealthResultBatcher>();
        var firstEnd = factory.Clock.GetUtcNow().UtcDateTime;
        var first = recorder.RecordAsync(claims.Single(c => c.Probe.CheckId == ids[0]), new ProbeOutcome(true, 12, null, 200), CancellationToken.None);
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        var second = recorder.RecordAsync(claims.Single(c => c.Probe.CheckId == ids[1]), new ProbeOutcome(false, 30, "Connection refused.", null), CancellationToken.None);
        await Task.WhenAll(first, second);

        var results = await factory.WithDbAsync(db => db.HealthResults.Where(r => ids.Contains(r.CheckId)).ToListAsync());
        Assert.Equal(firstEnd, Assert.Single(results, r => r.CheckId == ids[0]).At);
        var failed = Assert.Single(results, r => r.CheckId == ids[1]);
        Assert.Equal(firstEnd.AddSeconds(5), failed.At);
        Assert.Equal("Connection refused.", failed.Reason);
        Assert.Equal(HealthStatus.Up, (await CheckOfAsync(up)).Status);
        var downCheck = await CheckOfAsync(down);
        Assert.Equal(HealthStatus.Down, downCheck.Status);
        Assert.Null(downCheck.LeaseOwner);
    }

    [Fact]
    public async Task Many_checks_are_each_probed_once_per_interval_within_the_concurrency_bound()
    {
        var team = await factory.CreateTeamAsync();
        var admin = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Admin));
        var slugs = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var service = await factory.CreateServiceAsync(team.Slug);
            slugs.Add(service.Slug);
            await factory.WithServiceAsync<HealthChecksService, HealthCheckDetails>(s =>
                s.SaveAsync(admin, HealthTarget.Service, service.Slug, new HealthCheckInput { Url = listener.Url + "/" + i, IntervalSeconds = 30, TimeoutSeconds = 5 }));
        }
        listener.Handler = async ctx =>
        {
            await Task.Delay(5);
            await ctx.Response.WriteAsync("ok");
        };
        var before = listener.Requests;
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        await factory.Prober.RunDueAsync();
        Assert.True(listener.Requests - before >= 100);
        Assert.True(listener.MaxInFlight <= new HealthOptions().MaxConcurrency, $"{listener.MaxInFlight} in flight");
        // One interval later every check is due exactly once more.
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await factory.Prober.RunDueAsync();
        var ids = await factory.WithDbAsync(db => db.HealthChecks.Where(c => slugs.Contains(c.Service!.Slug)).Select(c => c.Id).ToListAsync());
        var perCheck = await factory.WithDbAsync(db => db.HealthResults.Where(r => ids.Contains(r.CheckId)).GroupBy(r => r.CheckId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(100, perCheck.Count);
        Assert.All(perCheck, n => Assert.Equal(2, n));
    }
}
