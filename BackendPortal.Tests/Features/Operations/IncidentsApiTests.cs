using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.Operations;

public sealed class IncidentsApiTests(OperationsFactory factory) : IClassFixture<OperationsFactory>
{
    private async Task<(HttpClient Client, string Service, string Team)> SetupAsync(string role = Roles.Engineer)
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var user = await factory.CreateUserAsync(role);
        await factory.AddMemberAsync(team.Slug, user);
        return (factory.BearerClient(await factory.CreateTokenAsync(user, "read,write,ingest")), service.Slug, team.Slug);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Deleting_the_commander_keeps_the_incident_without_a_commander()
    {
        var (client, service, team) = await SetupAsync();
        var admin = await factory.CreateUserAsync(Roles.Admin);
        var adminClient = factory.BearerClient(await factory.CreateTokenAsync(admin, "read,write,admin"));
        var commander = PortalFactory.Unique("commander");
        var person = await adminClient.PostAsJsonAsync("/api/v1/people", new { slug = commander, name = "Cora Commander", teams = new[] { team }, level = "senior" });
        Assert.True(person.StatusCode == HttpStatusCode.Created, await person.Content.ReadAsStringAsync());
        var created = await client.PostAsJsonAsync("/api/v1/incidents", new { title = "Queue backlog", severity = "SEV3", services = new[] { service }, commander });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await JsonAsync(created)).GetProperty("id").GetInt32();

        Assert.Equal(HttpStatusCode.NoContent, (await adminClient.DeleteAsync($"/api/v1/people/{commander}")).StatusCode);

        var incident = await JsonAsync(await client.GetAsync($"/api/v1/incidents/{id}"));
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("commander").ValueKind);
        Assert.Equal("Queue backlog", incident.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_incident_walks_any_status_order_and_each_change_is_a_timeline_entry()
    {
        var (client, service, _) = await SetupAsync();
        var created = await client.PostAsJsonAsync("/api/v1/incidents", new { title = "Checkout errors", severity = "SEV2", services = new[] { service } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonAsync(created);
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal("investigating", body.GetProperty("status").GetString());
        Assert.Equal(service, body.GetProperty("services")[0].GetString());
        Assert.Equal($"/api/v1/incidents/{id}", created.Headers.Location!.OriginalString);

        foreach (var status in new[] { "resolved", "investigating", "monitoring", "identified", "resolved" })
        {
            var patched = await client.PatchAsJsonAsync($"/api/v1/incidents/{id}", new { status });
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            Assert.Equal(status, (await JsonAsync(patched)).GetProperty("status").GetString());
        }
        var note = await client.PostAsJsonAsync($"/api/v1/incidents/{id}/timeline", new { text = "Rolled back 1.4.2" });
        Assert.Equal(HttpStatusCode.Created, note.StatusCode);

        var incident = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}");
        var kinds = incident.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["opened", "statuschanged", "statuschanged", "statuschanged", "statuschanged", "statuschanged", "note"], kinds);
        Assert.Equal(JsonValueKind.String, incident.GetProperty("resolvedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, incident.GetProperty("acknowledgedAt").ValueKind);
    }

    [Fact]
    public async Task Invalid_severity_or_status_is_400_and_changes_nothing()
    {
        var (client, service, _) = await SetupAsync();
        var bad = await client.PostAsJsonAsync("/api/v1/incidents", new { title = "x", severity = "SEV5", services = new[] { service } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await JsonAsync(bad)).GetProperty("errors").TryGetProperty("severity", out _));
        var unknownService = await client.PostAsJsonAsync("/api/v1/incidents", new { title = "x", severity = "SEV3", services = new[] { "no-such-service" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknownService.StatusCode);

        var created = await JsonAsync(await client.PostAsJsonAsync("/api/v1/incidents", new { title = "Slow search", severity = "sev4", services = new[] { service } }));
        Assert.Equal("SEV4", created.GetProperty("severity").GetString());
        var id = created.GetProperty("id").GetInt32();
        var patched = await client.PatchAsJsonAsync($"/api/v1/incidents/{id}", new { status = "fixed" });
        Assert.Equal(HttpStatusCode.BadRequest, patched.StatusCode);
        Assert.Equal("application/problem+json", patched.Content.Headers.ContentType!.MediaType);
        var numeric = await client.PatchAsJsonAsync($"/api/v1/incidents/{id}", new { status = "2" });
        Assert.Equal(HttpStatusCode.BadRequest, numeric.StatusCode);
        var now = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}");
        Assert.Equal("investigating", now.GetProperty("status").GetString());
        Assert.Single(now.GetProperty("timeline").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/incidents?status=closed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PatchAsJsonAsync("/api/v1/incidents/999999", new { status = "resolved" })).StatusCode);
    }

    [Fact]
    public async Task The_list_filters_by_status_and_service_and_pages_with_a_cursor()
    {
        var (client, service, team) = await SetupAsync();
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var created = await JsonAsync(await client.PostAsJsonAsync("/api/v1/incidents", new { title = $"Incident {i}", severity = "SEV3", services = new[] { service } }));
            ids.Add(created.GetProperty("id").GetInt32());
        }
        await client.PatchAsJsonAsync($"/api/v1/incidents/{ids[0]}", new { status = "resolved" });
        await client.PatchAsJsonAsync($"/api/v1/incidents/{ids[1]}", new { status = "resolved" });

        var open = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?status=open&service={service}");
        Assert.Equal(3, open.GetProperty("total").GetInt32());
        var resolved = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?status=resolved&service={service}");
        Assert.Equal([ids[1], ids[0]], resolved.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList());
        var first = resolved.GetProperty("items")[0];
        foreach (var field in new[] { "id", "title", "severity", "status", "services", "openedAt", "resolvedAt" })
        {
            Assert.True(first.TryGetProperty(field, out _), field);
        }

        var page1 = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?status=all&service={service}&limit=2");
        var cursor = page1.GetProperty("nextCursor").GetString();
        var page2 = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?status=all&service={service}&limit=2&cursor={cursor}");
        var seen = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.AsEnumerable().Reverse().Take(4), seen);

        var metrics = await client.GetFromJsonAsync<JsonElement>("/api/v1/incidents/metrics?by=team");
        var mine = metrics.EnumerateArray().Single(m => m.GetProperty("key").GetString() == team);
        Assert.Equal(5, mine.GetProperty("incidents").GetInt32());
        Assert.Equal(3, mine.GetProperty("open").GetInt32());
        Assert.Equal(0.0, mine.GetProperty("mttrMinutes").GetDouble());
    }

    [Fact]
    public async Task A_postmortem_is_saved_with_action_items()
    {
        var (client, service, _) = await SetupAsync(Roles.QA);
        var id = (await JsonAsync(await client.PostAsJsonAsync("/api/v1/incidents", new { title = "Queue backlog", severity = "SEV1", services = new[] { service } }))).GetProperty("id").GetInt32();
        var saved = await client.PutAsJsonAsync($"/api/v1/incidents/{id}/postmortem", new
        {
            summary = "Queue **backed up**",
            rootCause = "<script>alert(1)</script> consumer crash",
            actionItems = new[] { new { text = "Alert on queue depth", owner = "ops", dueDate = "2026-12-31", done = false } },
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var pm = (await JsonAsync(saved)).GetProperty("postmortem");
        Assert.Equal("2026-12-31", pm.GetProperty("actionItems")[0].GetProperty("dueDate").GetString());
        var missingText = await client.PutAsJsonAsync($"/api/v1/incidents/{id}/postmortem", new { actionItems = new[] { new { owner = "ops" } } });
        Assert.Equal(HttpStatusCode.BadRequest, missingText.StatusCode);
    }

    [Fact]
    public void Markdown_is_rendered_without_raw_html_or_script_links()
    {
        var html = MarkdownRenderer.ToSafeHtml("**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com) <img src=x onerror=alert(1)>");
        Assert.Contains("<strong>bold</strong>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("javascript:", html);
        Assert.Contains("href=\"https://example.com\"", html);
    }

    [Fact]
    public async Task A_deployment_is_201_and_the_timeline_merges_it_with_incidents_filtered_by_kind_and_time()
    {
        var (client, service, _) = await SetupAsync();
        var t0 = factory.Clock.GetUtcNow();
        var deployed = await client.PostAsJsonAsync($"/api/v1/services/{service}/deployments", new { version = "1.4.2", environment = "production", commit = "abc123", at = t0.AddMinutes(-10) });
        Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);
        var noAt = await client.PostAsJsonAsync($"/api/v1/services/{service}/deployments", new { version = "1.4.3", environment = "staging" });
        Assert.Equal(HttpStatusCode.Created, noAt.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/api/v1/services/{service}/deployments", new { environment = "staging" })).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await client.PostAsJsonAsync("/api/v1/incidents", new { title = "Errors after deploy", severity = "SEV2", services = new[] { service } });

        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline");
        var items = timeline.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["incident", "deployment", "deployment"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.Equal("Deployed 1.4.2 to production", items[2].GetProperty("title").GetString());

        var onlyDeployments = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?kind=deployment");
        Assert.Equal(2, onlyDeployments.GetProperty("items").GetArrayLength());
        var since = Uri.EscapeDataString(t0.AddMinutes(-1).ToString("O"));
        var recent = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?since={since}");
        Assert.Equal(2, recent.GetProperty("items").GetArrayLength());
        var paged = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?limit=2");
        var rest = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?limit=2&cursor={paged.GetProperty("nextCursor").GetString()}");
        Assert.Equal("1.4.2", rest.GetProperty("items")[0].GetProperty("title").GetString()!.Split(' ')[1]);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/services/{service}/timeline?kind=weather")).StatusCode);
    }
}
