using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Systems;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.Databases;

public sealed class DatabaseOperationsApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<(HttpClient Ci, string Database)> CiWithDatabaseAsync(Action<DatabaseInput>? configure = null)
    {
        var team = await factory.CreateTeamAsync();
        var database = await factory.CreateDatabaseAsync(team.Slug, configure: configure);
        var ci = await factory.CreateUserAsync(Roles.QA);
        return (factory.BearerClient(await factory.CreateTokenAsync(ci, "read,ingest")), database.Slug);
    }

    [Fact]
    public async Task A_migration_is_201_once_and_a_replay_is_200_with_the_stored_row()
    {
        var (ci, db) = await CiWithDatabaseAsync();
        var body = new { id = "20261101_add_orders_index", description = "Index orders by customer", environment = "staging", appliedAt = "2026-11-01T10:00:00Z", appliedBy = "ci-pipeline" };
        var first = await ci.PostAsJsonAsync($"/api/v1/databases/{db}/migrations", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var replay = await ci.PostAsJsonAsync($"/api/v1/databases/{db}/migrations", body with { description = "changed text" });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var stored = JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Index orders by customer", stored.GetProperty("description").GetString());
        Assert.Equal("staging", stored.GetProperty("environment").GetString());

        // The same id in another environment is another row.
        var production = await ci.PostAsJsonAsync($"/api/v1/databases/{db}/migrations", body with { environment = "prod" });
        Assert.Equal(HttpStatusCode.Created, production.StatusCode);
        Assert.Equal("production", JsonDocument.Parse(await production.Content.ReadAsStringAsync()).RootElement.GetProperty("environment").GetString());
    }

    [Fact]
    public async Task The_ledger_lists_migrations_per_environment_and_which_are_behind()
    {
        var (ci, db) = await CiWithDatabaseAsync();
        async Task PostAsync(string id, string env, int day) =>
            Assert.Equal(HttpStatusCode.Created, (await ci.PostAsJsonAsync($"/api/v1/databases/{db}/migrations",
                new { id, environment = env, appliedAt = new DateTime(2026, 10, day, 0, 0, 0, DateTimeKind.Utc) })).StatusCode);
        await PostAsync("001_init", "development", 1);
        await PostAsync("002_orders", "development", 2);
        await PostAsync("003_index", "development", 3);
        await PostAsync("001_init", "staging", 4);
        await PostAsync("002_orders", "staging", 5);
        await PostAsync("001_init", "production", 6);

        var ledger = JsonDocument.Parse(await ci.GetStringAsync($"/api/v1/databases/{db}/migrations")).RootElement.GetProperty("environments");
        Assert.Equal(["production", "staging", "development"], ledger.EnumerateArray().Select(e => e.GetProperty("environment").GetString()));
        var production = ledger[0];
        Assert.True(production.GetProperty("isBehind").GetBoolean());
        Assert.Equal(["002_orders", "003_index"], production.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["003_index"], ledger[1].GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.False(ledger[2].GetProperty("isBehind").GetBoolean());
        Assert.Equal("003_index", ledger[2].GetProperty("applied")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("{\"environment\":\"staging\"}", "id")]
    [InlineData("{\"id\":\"x\",\"environment\":\"qa\"}", "environment")]
    [InlineData("{\"id\":\"x\"}", "environment")]
    [InlineData("{\"id\":\"x\",\"environment\":\"staging\",\"appliedAt\":\"2999-01-01T00:00:00Z\"}", "appliedAt")]
    [InlineData("{\"id\":\"x\",\"environment\":\"staging\",\"appliedAt\":\"1990-01-01T00:00:00Z\"}", "appliedAt")]
    public async Task Bad_migrations_are_400_naming_the_field(string json, string field)
    {
        var (ci, db) = await CiWithDatabaseAsync();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var problem = await SystemsApiTests.ProblemAsync(await ci.PostAsync($"/api/v1/databases/{db}/migrations", content), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var ledger = JsonDocument.Parse(await ci.GetStringAsync($"/api/v1/databases/{db}/migrations")).RootElement;
        Assert.Equal(0, ledger.GetProperty("environments").GetArrayLength());
    }

    [Fact]
    public async Task Sizes_give_a_forecast_and_bad_sizes_are_400()
    {
        var (ci, db) = await CiWithDatabaseAsync(d => d.CapacityBytes = 1000L * 1024 * 1024);
        var now = DateTime.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            var response = await ci.PostAsJsonAsync($"/api/v1/databases/{db}/size", new { bytes = 100L * 1024 * 1024 * (i + 1), at = now.AddDays(i - 10) });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        var history = JsonDocument.Parse(await ci.GetStringAsync($"/api/v1/databases/{db}/size")).RootElement;
        Assert.Equal(5, history.GetProperty("samples").GetArrayLength());
        var forecast = history.GetProperty("forecast");
        Assert.True(forecast.GetProperty("growing").GetBoolean());
        var fullAt = forecast.GetProperty("fullAt").GetDateTime();
        // 100 MiB a day from 500 MiB on day -6: 1000 MiB five days after the last sample.
        Assert.InRange(fullAt, now.AddDays(-6 + 5 - 0.01), now.AddDays(-6 + 5 + 0.01));

        foreach (var (json, field) in new[]
        {
            ("{\"bytes\":-1}", "bytes"),
            ("{}", "bytes"),
            ("{\"bytes\":5,\"at\":\"2999-01-01T00:00:00Z\"}", "at"),
        })
        {
            using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            var problem = await SystemsApiTests.ProblemAsync(await ci.PostAsync($"/api/v1/databases/{db}/size", content), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task Slow_queries_group_by_normalised_text_and_rank_by_total_time()
    {
        var (ci, db) = await CiWithDatabaseAsync();
        var first = new object[]
        {
            new { query = "SELECT * FROM orders WHERE id = 42", calls = 100, meanMs = 10.0, p95Ms = 30.0, rows = 100 },
            new { query = "select *   from orders where id = 7", calls = 100, meanMs = 30.0, p95Ms = 50.0, rows = 100 },
            new { query = "UPDATE carts SET total = 1 WHERE id IN (1, 2, 3)", calls = 10, meanMs = 5.0, p95Ms = 9.0, rows = 30 },
        };
        var posted = await ci.PostAsJsonAsync($"/api/v1/databases/{db}/slow-queries", new { at = DateTime.UtcNow.AddHours(-2), queries = first });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var result = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, result.GetProperty("received").GetInt32());
        Assert.Equal(2, result.GetProperty("statements").GetInt32());

        var second = new[] { new { query = "SELECT * FROM orders WHERE id = 9", calls = 50, meanMs = 40.0 } };
        Assert.Equal(HttpStatusCode.Created, (await ci.PostAsJsonAsync($"/api/v1/databases/{db}/slow-queries", second)).StatusCode);

        var top = JsonDocument.Parse(await ci.GetStringAsync($"/api/v1/databases/{db}/slow-queries")).RootElement;
        Assert.Equal(2, top.GetArrayLength());
        var worst = top[0];
        Assert.Equal("SELECT * FROM orders WHERE id = ?", worst.GetProperty("query").GetString());
        Assert.Equal(250, worst.GetProperty("calls").GetInt64());
        Assert.Equal(100 * 10.0 + 100 * 30.0 + 50 * 40.0, worst.GetProperty("totalMs").GetDouble(), 3);
        Assert.Equal(64, worst.GetProperty("fingerprint").GetString()!.Length);
        Assert.Equal(2, worst.GetProperty("points").GetArrayLength());
        Assert.Equal("rising", worst.GetProperty("trend").GetString());
        Assert.Equal("UPDATE carts SET total = ? WHERE id IN (?)", top[1].GetProperty("query").GetString());
        Assert.Equal("new", top[1].GetProperty("trend").GetString());
    }

    [Theory]
    [InlineData("[]", "queries")]
    [InlineData("[{\"calls\":1,\"meanMs\":1}]", "[0].query")]
    [InlineData("[{\"query\":\"select 1\",\"calls\":0,\"meanMs\":1}]", "[0].calls")]
    [InlineData("[{\"query\":\"select 1\",\"calls\":1,\"meanMs\":-1}]", "[0].meanMs")]
    [InlineData("[{\"query\":\"select 1\",\"calls\":1,\"meanMs\":1,\"rows\":-3}]", "[0].rows")]
    [InlineData("\"select 1\"", "body")]
    public async Task Bad_slow_query_reports_are_400_and_store_nothing(string json, string field)
    {
        var (ci, db) = await CiWithDatabaseAsync();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var problem = await SystemsApiTests.ProblemAsync(await ci.PostAsync($"/api/v1/databases/{db}/slow-queries", content), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, JsonDocument.Parse(await ci.GetStringAsync($"/api/v1/databases/{db}/slow-queries")).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Backups_warn_when_the_last_verified_one_is_older_than_the_policy_allows()
    {
        var (ci, db) = await CiWithDatabaseAsync(d => d.BackupPolicy = new BackupPolicy(24, 60, 120));
        var status = JsonDocument.Parse(await ci.GetStringAsync($"/api/v1/databases/{db}/backups")).RootElement;
        Assert.Contains("No verified backup", status.GetProperty("warning").GetProperty("message").GetString());

        Assert.Equal(HttpStatusCode.Created, (await ci.PostAsJsonAsync($"/api/v1/databases/{db}/backups", new { at = DateTime.UtcNow.AddHours(-30), verified = true, sizeBytes = 1000 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ci.PostAsJsonAsync($"/api/v1/databases/{db}/backups", new { at = DateTime.UtcNow.AddHours(-1), verified = false })).StatusCode);
        status = JsonDocument.Parse(await ci.GetStringAsync($"/api/v1/databases/{db}/backups")).RootElement;
        Assert.Equal(2, status.GetProperty("recent").GetArrayLength());
        Assert.Contains("30 hours", status.GetProperty("warning").GetProperty("message").GetString());
        var overdue = await factory.WithServiceAsync<DatabaseOperationsService, IReadOnlyList<OverdueBackup>>(s => s.OverdueBackupsAsync());
        Assert.Contains(overdue, o => o.Slug == db);

        Assert.Equal(HttpStatusCode.Created, (await ci.PostAsJsonAsync($"/api/v1/databases/{db}/backups", new { at = DateTime.UtcNow.AddHours(-2), verified = true })).StatusCode);
        status = JsonDocument.Parse(await ci.GetStringAsync($"/api/v1/databases/{db}/backups")).RootElement;
        Assert.Equal(JsonValueKind.Null, status.GetProperty("warning").ValueKind);
        overdue = await factory.WithServiceAsync<DatabaseOperationsService, IReadOnlyList<OverdueBackup>>(s => s.OverdueBackupsAsync());
        Assert.DoesNotContain(overdue, o => o.Slug == db);

        using var content = new StringContent("{\"at\":\"2999-01-01T00:00:00Z\",\"sizeBytes\":-4}", System.Text.Encoding.UTF8, "application/json");
        var problem = await SystemsApiTests.ProblemAsync(await ci.PostAsync($"/api/v1/databases/{db}/backups", content), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("at", out _));
        Assert.True(errors.TryGetProperty("verified", out _));
        Assert.True(errors.TryGetProperty("sizeBytes", out _));
    }

    [Fact]
    public async Task Ingest_needs_the_scope_and_engineers_only_post_for_their_own_teams()
    {
        var team = await factory.CreateTeamAsync();
        var database = await factory.CreateDatabaseAsync(team.Slug);
        var url = $"/api/v1/databases/{database.Slug}/size";
        var body = new { bytes = 10 };

        var qaWithoutIngest = factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.QA), "read,write"));
        await SystemsApiTests.ProblemAsync(await qaWithoutIngest.PostAsJsonAsync(url, body), HttpStatusCode.Forbidden);

        var owner = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, owner);
        Assert.Equal(HttpStatusCode.Created, (await factory.BearerClient(await factory.CreateTokenAsync(owner, "read,ingest")).PostAsJsonAsync(url, body)).StatusCode);

        var stranger = factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Engineer), "read,ingest"));
        await SystemsApiTests.ProblemAsync(await stranger.PostAsJsonAsync(url, body), HttpStatusCode.Forbidden);

        var viewer = factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Viewer), "read,ingest"));
        await SystemsApiTests.ProblemAsync(await viewer.PostAsJsonAsync(url, body), HttpStatusCode.Forbidden);
        await SystemsApiTests.ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/databases/no-such-db/size", body), HttpStatusCode.NotFound);
    }
}
