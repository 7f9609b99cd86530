using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Systems;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Databases;

public sealed class DatabasesApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<(HttpClient Client, string Team)> EngineerWithTeamAsync()
    {
        var team = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, engineer);
        return (factory.BearerClient(await factory.CreateTokenAsync(engineer)), team.Slug);
    }

    [Fact]
    public async Task Create_with_every_field_then_get_put_delete()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var system = await factory.CreateSystemAsync(team);
        var body = new
        {
            slug = PortalFactory.Unique("orders-db"),
            name = "Orders DB",
            engine = "PostgreSQL",
            engineVersion = "16.2",
            environment = "production",
            owner = team,
            system = system.Slug,
            host = "orders-db.internal:5432",
            capacityBytes = 500L * 1024 * 1024 * 1024,
            backupPolicy = new { frequencyHours = 24, rpoMinutes = 15, rtoMinutes = 60 },
            tags = new[] { "pii" },
        };
        var created = await client.PostAsJsonAsync("/api/v1/databases", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("postgresql", json.GetProperty("engine").GetString());
        Assert.Equal("16.2", json.GetProperty("engineVersion").GetString());
        Assert.Equal("production", json.GetProperty("environment").GetString());
        Assert.Equal(system.Slug, json.GetProperty("system").GetString());
        Assert.Equal("orders-db.internal:5432", json.GetProperty("host").GetString());
        Assert.Equal(24, json.GetProperty("backupPolicy").GetProperty("frequencyHours").GetInt32());
        Assert.Equal(15, json.GetProperty("backupPolicy").GetProperty("rpoMinutes").GetInt32());
        Assert.Equal(60, json.GetProperty("backupPolicy").GetProperty("rtoMinutes").GetInt32());

        var url = $"/api/v1/databases/{body.slug}";
        var get = await client.GetAsync(url);
        Assert.Equal(created.Headers.ETag, get.Headers.ETag);
        var input = (await get.Content.ReadFromJsonAsync<DatabaseDetails>())!;
        var replace = DatabaseInput.From(input);
        replace.Environment = "staging";
        await SystemsApiTests.ProblemAsync(await client.PutAsJsonAsync(url, replace), HttpStatusCode.PreconditionRequired);
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(replace) };
        put.Headers.IfMatch.Add(get.Headers.ETag!);
        var updated = await client.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("staging", JsonDocument.Parse(await updated.Content.ReadAsStringAsync()).RootElement.GetProperty("environment").GetString());
        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(replace) };
        stale.Headers.IfMatch.Add(get.Headers.ETag!);
        await SystemsApiTests.ProblemAsync(await client.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(url)).StatusCode);
        await SystemsApiTests.ProblemAsync(await client.GetAsync(url), HttpStatusCode.NotFound);
        var audit = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityType == "database" && e.EntityKey == body.slug).Select(e => e.Action).ToListAsync());
        Assert.Equal(["entity.created", "entity.deleted", "entity.updated"], audit.Order());
    }

    [Theory]
    [InlineData("Server=db1;Database=orders;User Id=app;Password=hunter2;")]
    [InlineData("Host=db1;Username=app;Pwd=hunter2")]
    [InlineData("postgres://app:hunter2@db1.internal:5432/orders")]
    [InlineData("postgresql://app:hunter2@db1/orders?sslmode=require")]
    [InlineData("mongodb://u:p@mongo1.internal:27017")]
    [InlineData("mongodb+srv://admin:s3cret@cluster0.example.net/test")]
    [InlineData("redis://:hunter2@cache.internal:6379/0")]
    [InlineData("jdbc:postgresql://db1:5432/orders?user=app&password=hunter2")]
    [InlineData("jdbc:sqlserver://db1:1433;databaseName=orders;user=app;password=hunter2")]
    [InlineData("scott/tiger@orcl.internal:1521/ORCL")]
    public async Task A_host_carrying_a_password_is_refused_naming_the_field(string host)
    {
        var (client, team) = await EngineerWithTeamAsync();
        var input = CatalogData.NewDatabaseInput(team);
        input.Host = host;
        var problem = await SystemsApiTests.ProblemAsync(await client.PostAsJsonAsync("/api/v1/databases", input), HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("host")[0].GetString()!;
        Assert.Contains("host", message);
        Assert.Contains("vault", message);
        Assert.DoesNotContain("hunter2", message);
        Assert.False(await factory.WithDbAsync(db => db.Databases.AnyAsync(d => d.Slug == input.Slug)));
    }

    [Fact]
    public async Task Passwords_are_refused_in_any_text_field_and_plain_hosts_pass()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var input = CatalogData.NewDatabaseInput(team);
        input.Description = "connect with Server=x;Password=abc";
        var problem = await SystemsApiTests.ProblemAsync(await client.PostAsJsonAsync("/api/v1/databases", input), HttpStatusCode.BadRequest);
        Assert.Contains("vault", problem.GetProperty("errors").GetProperty("description")[0].GetString());

        foreach (var host in new[] { "orders-db.internal:5432", "mongodb://mongo1.internal:27017", "postgres://app@db1/orders", "redis-cluster.prod", "10.0.4.12" })
        {
            var ok = CatalogData.NewDatabaseInput(team);
            ok.Host = host;
            var response = await client.PostAsJsonAsync("/api/v1/databases", ok);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{host}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Validation_names_each_bad_field()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var body = new
        {
            slug = "bad slug",
            name = "",
            engine = "db2",
            environment = "qa",
            owner = team,
            system = "no-such-system",
            capacityBytes = -1L,
            backupPolicy = new { frequencyHours = 0, rpoMinutes = -5, rtoMinutes = 10 },
        };
        var problem = await SystemsApiTests.ProblemAsync(await client.PostAsJsonAsync("/api/v1/databases", body), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "slug", "name", "engine", "environment", "system", "capacityBytes", "backupPolicy.frequencyHours", "backupPolicy.rpoMinutes" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
        Assert.Contains("postgresql", errors.GetProperty("engine")[0].GetString());
    }

    [Fact]
    public async Task Filters_by_owner_engine_environment_system_and_text_and_pages_with_the_cursor()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var system = await factory.CreateSystemAsync(team);
        await factory.CreateDatabaseAsync(team, configure: d => { d.Engine = "redis"; d.Environment = "staging"; d.Host = "cache-7.internal"; });
        await factory.CreateDatabaseAsync(team, configure: d => d.System = system.Slug);
        await factory.CreateDatabaseAsync(team);

        async Task<JsonElement> ListAsync(string query) => JsonDocument.Parse(await client.GetStringAsync($"/api/v1/databases?owner={team}&{query}")).RootElement;
        Assert.Equal(3, (await ListAsync("")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await ListAsync("engine=redis")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await ListAsync("environment=staging")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await ListAsync($"system={system.Slug}")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await ListAsync("q=cache-7")).GetProperty("total").GetInt32());
        var first = await ListAsync("limit=2");
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var second = await ListAsync("limit=2&cursor=" + first.GetProperty("nextCursor").GetString());
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var badEngine = await SystemsApiTests.ProblemAsync(await client.GetAsync("/api/v1/databases?engine=db2"), HttpStatusCode.BadRequest);
        Assert.True(badEngine.GetProperty("errors").TryGetProperty("engine", out _));

        var csv = await client.GetStringAsync($"/api/v1/databases/export.csv?owner={team}&engine=redis");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("slug,name,engine,engineVersion,environment,owner,system,host", lines[0]);
        Assert.Contains("cache-7.internal", Assert.Single(lines.Skip(1)));
    }

    [Fact]
    public async Task Only_the_owner_team_edits_and_a_duplicate_slug_is_409()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var other = await factory.CreateTeamAsync();
        var foreign = await factory.CreateDatabaseAsync(other.Slug);
        await SystemsApiTests.ProblemAsync(await client.PostAsJsonAsync("/api/v1/databases", CatalogData.NewDatabaseInput(other.Slug)), HttpStatusCode.Forbidden);
        await SystemsApiTests.ProblemAsync(await client.DeleteAsync($"/api/v1/databases/{foreign.Slug}"), HttpStatusCode.Forbidden);
        var mine = await factory.CreateDatabaseAsync(team);
        await SystemsApiTests.ProblemAsync(await client.PostAsJsonAsync("/api/v1/databases", CatalogData.NewDatabaseInput(team, mine.Slug.ToUpperInvariant())), HttpStatusCode.Conflict);
    }
}
