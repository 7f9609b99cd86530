using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Systems;

public sealed class SystemsApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<(HttpClient Client, string Team)> EngineerWithTeamAsync()
    {
        var team = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, engineer);
        return (factory.BearerClient(await factory.CreateTokenAsync(engineer)), team.Slug);
    }

    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Create_get_update_with_if_match_and_list_by_owner()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var input = CatalogData.NewSystemInput(team);
        input.Domain = "commerce";
        input.Tags = ["Checkout", "checkout"];
        var created = await client.PostAsJsonAsync("/api/v1/systems", input);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/systems/{input.Slug}", created.Headers.Location?.OriginalString);
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("commerce", json.GetProperty("domain").GetString());
        Assert.Equal(1, json.GetProperty("tags").GetArrayLength());

        var get = await client.GetAsync($"/api/v1/systems/{input.Slug!.ToUpperInvariant()}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(created.Headers.ETag, get.Headers.ETag);

        input.Name = "Renamed";
        await ProblemAsync(await client.PutAsJsonAsync($"/api/v1/systems/{input.Slug}", input), HttpStatusCode.PreconditionRequired);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/systems/{input.Slug}") { Content = JsonContent.Create(input) };
        put.Headers.IfMatch.Add(get.Headers.ETag!);
        var updated = await client.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(get.Headers.ETag, updated.Headers.ETag);

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/systems/{input.Slug}") { Content = JsonContent.Create(input) };
        stale.Headers.IfMatch.Add(get.Headers.ETag!);
        await ProblemAsync(await client.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        var list = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/systems?owner={team}")).RootElement;
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal("Renamed", list.GetProperty("items")[0].GetProperty("name").GetString());
        var byText = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/systems?q=commerce&owner={team}")).RootElement;
        Assert.Equal(1, byText.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bad_input_is_400_duplicates_409_unknown_404_non_owner_403()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var bad = CatalogData.NewSystemInput(team, "not a slug");
        bad.Owner = "no-such-team";
        bad.Name = "";
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/systems", bad), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("slug", out _));
        Assert.Contains("no-such-team", errors.GetProperty("owner")[0].GetString());
        Assert.True(errors.TryGetProperty("name", out _));

        var existing = await factory.CreateSystemAsync(team);
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/systems", CatalogData.NewSystemInput(team, existing.Slug.ToUpperInvariant())), HttpStatusCode.Conflict);
        await ProblemAsync(await client.GetAsync("/api/v1/systems/no-such-system"), HttpStatusCode.NotFound);

        var other = await factory.CreateTeamAsync();
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/systems", CatalogData.NewSystemInput(other.Slug)), HttpStatusCode.Forbidden);
        var foreign = await factory.CreateSystemAsync(other.Slug);
        await ProblemAsync(await client.DeleteAsync($"/api/v1/systems/{foreign.Slug}"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Deleting_a_system_keeps_its_members_without_a_system_and_is_audited()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var system = await factory.CreateSystemAsync(team);
        var service = await factory.CreateServiceAsync(team, configure: s => s.System = system.Slug);
        var database = await factory.CreateDatabaseAsync(team, configure: d => d.System = system.Slug);
        var api = await factory.CreateApiAsync(team);
        await factory.WithDbAsync(db => db.Apis.Where(a => a.Slug == api).ExecuteUpdateAsync(u => u.SetProperty(a => a.SystemId, db.Systems.Where(s => s.Slug == system.Slug).Select(s => (int?)s.Id).First())));

        var members = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/systems/{system.Slug}/members")).RootElement;
        Assert.Equal(["api", "database", "service"], members.EnumerateArray().Select(m => m.GetProperty("kind").GetString()).Order());
        var counts = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/systems/{system.Slug}")).RootElement;
        Assert.Equal(1, counts.GetProperty("serviceCount").GetInt32());
        Assert.Equal(1, counts.GetProperty("databaseCount").GetInt32());
        Assert.Equal(1, counts.GetProperty("apiCount").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/systems/{system.Slug}")).StatusCode);
        await ProblemAsync(await client.GetAsync($"/api/v1/systems/{system.Slug}"), HttpStatusCode.NotFound);
        var serviceJson = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/services/{service.Slug}")).RootElement;
        Assert.Equal(JsonValueKind.Null, serviceJson.GetProperty("system").ValueKind);
        var databaseJson = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/databases/{database.Slug}")).RootElement;
        Assert.Equal(JsonValueKind.Null, databaseJson.GetProperty("system").ValueKind);
        Assert.Null(await factory.WithDbAsync(db => db.Apis.Where(a => a.Slug == api).Select(a => a.SystemId).SingleAsync()));

        var actions = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityKey == system.Slug && e.EntityType == "system").Select(e => new { e.Action, e.Before, e.After }).ToListAsync());
        Assert.Contains(actions, a => a.Action == "entity.created" && a.After != null);
        Assert.Contains(actions, a => a.Action == "entity.deleted" && a.Before != null && a.After == null);
    }

    [Fact]
    public async Task Csv_export_has_a_header_and_the_filtered_rows()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var system = await factory.CreateSystemAsync(team);
        var response = await client.GetAsync($"/api/v1/systems/export.csv?owner={team}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("slug,name,owner,domain", lines[0]);
        Assert.StartsWith(system.Slug + ",", Assert.Single(lines.Skip(1)));
    }
}
