using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Systems;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Services;

public sealed class ServiceRelationsApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<(HttpClient Client, string Team)> EngineerWithTeamAsync()
    {
        var team = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, engineer);
        return (factory.BearerClient(await factory.CreateTokenAsync(engineer)), team.Slug);
    }

    [Fact]
    public async Task Relations_round_trip_through_post_get_and_put()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var system = await factory.CreateSystemAsync(team);
        var upstream = await factory.CreateServiceAsync(team);
        var database = await factory.CreateDatabaseAsync(team);
        var provided = await factory.CreateApiAsync(team);
        var consumed = await factory.CreateApiAsync(team);
        var input = PortalFactory.NewServiceInput(team);
        input.System = system.Slug;
        input.DependsOn = [upstream.Slug.ToUpperInvariant()];
        input.Databases = [database.Slug];
        input.ProvidesApis = [provided];
        input.ConsumesApis = [consumed, consumed];

        var created = await client.PostAsJsonAsync("/api/v1/services", input);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(system.Slug, json.GetProperty("system").GetString());
        Assert.Equal([upstream.Slug], json.GetProperty("dependsOn").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([database.Slug], json.GetProperty("databases").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([provided], json.GetProperty("providesApis").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([consumed], json.GetProperty("consumesApis").EnumerateArray().Select(e => e.GetString()));

        var listed = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/services?owner={team}&q={input.Slug}")).RootElement.GetProperty("items")[0];
        Assert.Equal(upstream.Slug, listed.GetProperty("dependsOn")[0].GetString());

        // A PUT without the relation fields keeps them; empty lists and "" clear them.
        var get = await client.GetAsync($"/api/v1/services/{input.Slug}");
        var plain = PortalFactory.NewServiceInput(team, input.Slug);
        plain.Name = "Renamed";
        using var keep = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{input.Slug}") { Content = JsonContent.Create(plain) };
        keep.Headers.IfMatch.Add(get.Headers.ETag!);
        var kept = await client.SendAsync(keep);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var keptJson = JsonDocument.Parse(await kept.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, keptJson.GetProperty("dependsOn").GetArrayLength());
        Assert.Equal(system.Slug, keptJson.GetProperty("system").GetString());

        plain.DependsOn = [];
        plain.Databases = [];
        plain.ProvidesApis = [];
        plain.ConsumesApis = [];
        plain.System = "";
        using var clear = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{input.Slug}") { Content = JsonContent.Create(plain) };
        clear.Headers.IfMatch.Add(kept.Headers.ETag!);
        var cleared = JsonDocument.Parse(await (await client.SendAsync(clear)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, cleared.GetProperty("dependsOn").GetArrayLength());
        Assert.Equal(0, cleared.GetProperty("consumesApis").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("system").ValueKind);

        var audit = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityKey == input.Slug && e.Action == "entity.updated").OrderBy(e => e.Id).Select(e => e.Before).ToListAsync());
        Assert.Contains(upstream.Slug, audit[^1]);
    }

    [Fact]
    public async Task Unknown_slugs_are_400_naming_them_and_a_service_cannot_depend_on_itself()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var input = PortalFactory.NewServiceInput(team);
        input.DependsOn = ["ghost-a", "ghost-b"];
        input.Databases = ["ghost-db"];
        input.ProvidesApis = ["ghost-api"];
        input.System = "ghost-system";
        var problem = await SystemsApiTests.ProblemAsync(await client.PostAsJsonAsync("/api/v1/services", input), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        var dependsOn = errors.GetProperty("dependsOn")[0].GetString()!;
        Assert.Contains("'ghost-a'", dependsOn);
        Assert.Contains("'ghost-b'", dependsOn);
        Assert.Contains("ghost-db", errors.GetProperty("databases")[0].GetString());
        Assert.Contains("ghost-api", errors.GetProperty("providesApis")[0].GetString());
        Assert.Contains("ghost-system", errors.GetProperty("system")[0].GetString());
        Assert.False(await factory.WithDbAsync(db => db.Services.AnyAsync(s => s.Slug == input.Slug)));

        var self = PortalFactory.NewServiceInput(team);
        self.DependsOn = [self.Slug!];
        var selfProblem = await SystemsApiTests.ProblemAsync(await client.PostAsJsonAsync("/api/v1/services", self), HttpStatusCode.BadRequest);
        Assert.Contains("itself", selfProblem.GetProperty("errors").GetProperty("dependsOn")[0].GetString());

        var existing = await factory.CreateServiceAsync(team);
        var update = ServiceInput.From(existing);
        update.DependsOn = [existing.Slug];
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{existing.Slug}") { Content = JsonContent.Create(update) };
        put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(existing.ETag));
        await SystemsApiTests.ProblemAsync(await client.SendAsync(put), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Deleting_a_service_removes_the_dependencies_pointing_at_it()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var target = await factory.CreateServiceAsync(team);
        var database = await factory.CreateDatabaseAsync(team);
        var caller = await factory.CreateServiceAsync(team, configure: s => s.DependsOn = [target.Slug]);
        await factory.CreateServiceAsync(team, configure: s => { s.DependsOn = [caller.Slug]; s.Databases = [database.Slug]; });
        var relations = await factory.WithServiceAsync<ServiceCatalogService, ServiceRelationsView>(s => s.RelationsAsync(caller.Slug));
        Assert.Single(relations.DependsOn);
        Assert.Single(relations.DependedOnBy);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/services/{target.Slug}")).StatusCode);
        var after = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/services/{caller.Slug}")).RootElement;
        Assert.Equal(0, after.GetProperty("dependsOn").GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/services/{caller.Slug}")).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.ServiceDependencies.AnyAsync(d => d.DependsOn.Slug == caller.Slug || d.Service.Slug == caller.Slug)));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/databases/{database.Slug}")).StatusCode);
    }
}
