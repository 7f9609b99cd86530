using System.Net;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.Graph;

public sealed class GraphApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<HttpClient> ViewerAsync() =>
        factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Viewer), "read"));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Database_blast_radius_lists_services_apis_and_consumers_with_counts_by_tier()
    {
        var seed = new CatalogSeed(factory);
        var team = await seed.TeamIdAsync((await factory.CreateTeamAsync()).Slug);
        var db = await seed.DatabaseAsync(team, "orders-db");
        var orders = await seed.ServiceAsync(team, "orders", tier: 1);
        var checkout = await seed.ServiceAsync(team, "checkout", tier: 1);
        var reports = await seed.ServiceAsync(team, "reports", tier: 3);
        var api = await seed.ApiAsync(team, "orders-api");
        var mobile = await seed.ServiceAsync(team, "mobile-bff", tier: 2);
        await seed.UsesDatabaseAsync(orders, db);
        await seed.UsesDatabaseAsync(reports, db);
        await seed.DependsAsync(checkout, orders);
        await seed.LinkApiAsync(orders, api, ApiRole.Provides);
        await seed.LinkApiAsync(mobile, api, ApiRole.Consumes);
        var client = await ViewerAsync();

        var json = await JsonAsync(await client.GetAsync($"/api/v1/databases/{seed.S("orders-db")}/blast-radius"));

        Assert.Equal("database", json.GetProperty("node").GetProperty("kind").GetString());
        var counts = json.GetProperty("counts");
        Assert.Equal(5, counts.GetProperty("total").GetInt32());
        Assert.Equal(4, counts.GetProperty("services").GetInt32());
        Assert.Equal(1, counts.GetProperty("apis").GetInt32());
        Assert.Equal(2, counts.GetProperty("byTier").GetProperty("1").GetInt32());
        Assert.Equal(1, counts.GetProperty("byTier").GetProperty("2").GetInt32());
        Assert.Contains("4 services (2 tier-1)", json.GetProperty("summary").GetString());
        var items = json.GetProperty("items").EnumerateArray().ToList();
        var bff = items.Single(i => i.GetProperty("slug").GetString() == seed.S("mobile-bff"));
        Assert.Equal(3, bff.GetProperty("depth").GetInt32());
        Assert.Equal([seed.S("orders-db"), seed.S("orders"), seed.S("orders-api"), seed.S("mobile-bff")],
            bff.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(0, json.GetProperty("cycles").GetArrayLength());

        // The service endpoint answers the same shape.
        var service = await JsonAsync(await client.GetAsync($"/api/v1/services/{seed.S("orders")}/blast-radius"));
        Assert.Equal(3, service.GetProperty("counts").GetProperty("total").GetInt32());
        Assert.Equal(seed.S("checkout"), service.GetProperty("items")[0].GetProperty("slug").GetString());
    }

    [Fact]
    public async Task A_new_edge_is_seen_at_once_and_cycles_are_listed_as_slugs()
    {
        var seed = new CatalogSeed(factory);
        var team = await seed.TeamIdAsync((await factory.CreateTeamAsync()).Slug);
        var a = await seed.ServiceAsync(team, "a");
        var b = await seed.ServiceAsync(team, "b");
        await seed.DependsAsync(b, a);
        var client = await ViewerAsync();
        var before = await JsonAsync(await client.GetAsync($"/api/v1/services/{seed.S("a")}/blast-radius"));
        Assert.Equal(0, before.GetProperty("cycles").GetArrayLength());

        await seed.DependsAsync(a, b);

        var after = await JsonAsync(await client.GetAsync($"/api/v1/services/{seed.S("a")}/blast-radius"));
        var cycle = Assert.Single(after.GetProperty("cycles").EnumerateArray());
        Assert.Equal([seed.S("a"), seed.S("b")], cycle.EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(1, after.GetProperty("counts").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Unknown_nodes_are_404_problems()
    {
        var client = await ViewerAsync();

        foreach (var url in new[] { "/api/v1/services/nope-x/blast-radius", "/api/v1/databases/nope-x/blast-radius", "/api/v1/apis/nope-x/blast-radius" })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Graph_view_lays_out_the_focus_neighbourhood_and_validates_its_filters()
    {
        var seed = new CatalogSeed(factory);
        var teamSlug = (await factory.CreateTeamAsync()).Slug;
        var team = await seed.TeamIdAsync(teamSlug);
        var db = await seed.DatabaseAsync(team, "db");
        var svc = await seed.ServiceAsync(team, "svc");
        await seed.UsesDatabaseAsync(svc, db);
        var client = await ViewerAsync();

        var view = await JsonAsync(await client.GetAsync($"/api/v1/graph?focus=database:{seed.S("db")}&depth=1&direction=up"));
        Assert.Equal(2, view.GetProperty("nodes").GetArrayLength());
        var edge = Assert.Single(view.GetProperty("edges").EnumerateArray());
        Assert.Equal($"service:{seed.S("svc")}", edge.GetProperty("from").GetString());
        var owned = await JsonAsync(await client.GetAsync($"/api/v1/graph?owner={teamSlug}"));
        Assert.Equal(2, owned.GetProperty("nodes").GetArrayLength());

        var bad = await JsonAsync(await client.GetAsync("/api/v1/graph?depth=0&direction=sideways"), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("depth", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("direction", out _));
        var unknown = await JsonAsync(await client.GetAsync("/api/v1/graph?focus=service:nope-x"));
        Assert.Contains("not in the graph", unknown.GetProperty("message").GetString());
    }
}
