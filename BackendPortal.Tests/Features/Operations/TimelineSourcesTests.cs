using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Quality;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.Operations;

/// <summary>What the quality and catalog modules record shows on the service timeline.</summary>
public sealed class TimelineSourcesTests(OperationsFactory factory) : IClassFixture<OperationsFactory>
{
    public const string PassingRun = """<testsuite name="unit" tests="2"><testcase classname="Orders" name="creates"/><testcase classname="Orders" name="lists"/></testsuite>""";

    public const string FailingRun = """<testsuite name="unit" tests="2"><testcase classname="Orders" name="creates"><failure message="expected 201">boom</failure></testcase><testcase classname="Orders" name="lists"/></testsuite>""";

    private async Task<HttpClient> CiClientAsync()
    {
        var admin = await factory.CreateUserAsync(Roles.Admin);
        return factory.BearerClient(await factory.CreateTokenAsync(admin, "read,write,ingest"));
    }

    private static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "application/xml");

    private async Task<List<JsonElement>> TimelineAsync(HttpClient client, string service, string? kind = null)
    {
        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline" + (kind is null ? "" : "?kind=" + kind));
        return json.GetProperty("items").EnumerateArray().ToList();
    }

    [Fact]
    public async Task An_ingested_test_run_appears_and_only_outcome_changes_follow()
    {
        var client = await CiClientAsync();
        var team = await factory.CreateTeamAsync();
        var service = (await factory.CreateServiceAsync(team.Slug)).Slug;

        var first = await client.PostAsync($"/api/v1/services/{service}/test-runs?suite=unit&commit=abc123", Xml(PassingRun));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var items = await TimelineAsync(client, service);
        var item = Assert.Single(items);
        Assert.Equal("test-run", item.GetProperty("kind").GetString());
        Assert.Equal("Tests passing in unit: 2 of 2 passed", item.GetProperty("title").GetString());
        Assert.Contains("first run of the suite", item.GetProperty("detail").GetString());
        var runId = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        Assert.Equal($"/services/{service}/test-runs/{runId}", item.GetProperty("link").GetString());

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/services/{service}/test-runs?suite=unit", Xml(PassingRun))).StatusCode);
        Assert.Single(await TimelineAsync(client, service));

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/services/{service}/test-runs?suite=unit", Xml(FailingRun))).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/services/{service}/test-runs?suite=e2e", Xml(FailingRun))).StatusCode);

        items = await TimelineAsync(client, service, "test-run");
        Assert.Equal(
            ["Tests failing in e2e: 1 of 2 failed", "Tests failing in unit: 1 of 2 failed", "Tests passing in unit: 2 of 2 passed"],
            items.Select(i => i.GetProperty("title").GetString()));
        Assert.Equal("fail", items[1].GetProperty("severity").GetString());
        Assert.StartsWith("was passing", items[1].GetProperty("detail").GetString());
        // Unchanged runs are neither items nor counted.
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?limit=1")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Load_test_verdicts_migrations_and_api_versions_of_used_databases_and_apis_appear()
    {
        var client = await CiClientAsync();
        var team = await factory.CreateTeamAsync();
        var database = await factory.CreateDatabaseAsync(team.Slug);
        var otherDatabase = await factory.CreateDatabaseAsync(team.Slug);
        var api = await CatalogData.CreateApiAsync(factory, team.Slug);
        var service = (await factory.CreateServiceAsync(team.Slug, configure: s =>
        {
            s.Databases = [database.Slug];
            s.ConsumesApis = [api];
        })).Slug;

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/services/{service}/load-tests?name=nightly",
            new StringContent(LoadTestVerdictTests.SummaryExport, Encoding.UTF8, "application/json"))).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var migration = await client.PostAsJsonAsync($"/api/v1/databases/{database.Slug}/migrations", new { id = "20261128_add_orders_index", environment = "production", description = "Index on orders.created_at" });
        Assert.Equal(HttpStatusCode.Created, migration.StatusCode);
        var unrelated = await client.PostAsJsonAsync($"/api/v1/databases/{otherDatabase.Slug}/migrations", new { id = "20261128_other", environment = "production" });
        Assert.Equal(HttpStatusCode.Created, unrelated.StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var upload = await client.PostAsync($"/api/v1/apis/{api}/versions", new StringContent(SpecFixtures.PerfectJson(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);

        var items = await TimelineAsync(client, service);
        Assert.Equal(["api-version", "migration", "load-test"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.Equal($"API {api} version 1.0.0 uploaded", items[0].GetProperty("title").GetString());
        Assert.StartsWith("consumed API", items[0].GetProperty("detail").GetString());
        Assert.Equal($"Migration 20261128_add_orders_index applied to {database.Slug} (production)", items[1].GetProperty("title").GetString());
        Assert.Equal($"/databases/{database.Slug}", items[1].GetProperty("link").GetString());
        Assert.StartsWith("Load test nightly ", items[2].GetProperty("title").GetString());
        Assert.Contains(items[2].GetProperty("severity").GetString(), new[] { "pass", "fail" });

        Assert.Equal(["migration"], (await TimelineAsync(client, service, "migration")).Select(i => i.GetProperty("kind").GetString()));

        // total counts the whole range of the wanted kinds, the same on every page.
        var first = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?limit=1");
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        var second = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?limit=1&cursor={first.GetProperty("nextCursor").GetString()}");
        Assert.Equal(3, second.GetProperty("total").GetInt32());
        Assert.Equal("migration", second.GetProperty("items")[0].GetProperty("kind").GetString());
        var third = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?limit=1&cursor={second.GetProperty("nextCursor").GetString()}");
        Assert.Equal(JsonValueKind.Null, third.GetProperty("nextCursor").ValueKind);
        Assert.Equal(3, third.GetProperty("total").GetInt32());
        var narrowed = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/timeline?kind=load-test&kind=migration&limit=1");
        Assert.Equal(2, narrowed.GetProperty("total").GetInt32());
    }
}
