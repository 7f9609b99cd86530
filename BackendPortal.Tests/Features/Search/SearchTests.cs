using System.Net;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Graph;
using BackendPortal.Features.Services;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Search;

public sealed class SearchTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private Task<SearchResults> SearchAsync(string q, int? limit = null) =>
        factory.WithServiceAsync<SearchService, SearchResults>(s => s.SearchAsync(q, limit));

    private Task<int> TermCountAsync(string kind, string slug) =>
        factory.WithDbAsync(db => db.SearchTerms.CountAsync(t => t.Kind == kind && t.Key == Slug.Key(slug)));

    [Fact]
    public async Task Word_prefixes_find_entities_of_every_kind()
    {
        var seed = new CatalogSeed(factory);
        var team = await factory.CreateTeamAsync(seed.S("platform"), "Platform Crew");
        var teamId = await seed.TeamIdAsync(team.Slug);
        await seed.ServiceAsync(teamId, "example-website");
        await seed.ServiceAsync(teamId, "orders-api");
        await seed.DatabaseAsync(teamId, "ledger-db");
        await seed.ApiAsync(teamId, "billing-events");
        await seed.SystemAsync(teamId, "commerce");

        var web = await SearchAsync($"{seed.Prefix}-example-web");
        var ord = await SearchAsync($"{seed.Prefix} ord");

        Assert.Equal(seed.S("example-website"), web.Items[0].Slug);
        Assert.Equal("service", web.Items[0].Kind);
        Assert.Equal(seed.S("orders-api"), Assert.Single(ord.Items).Slug);
        Assert.Equal(seed.S("orders-api"), Assert.Single((await SearchAsync($"{seed.Prefix} orders a")).Items).Slug);
        Assert.Equal("database", Assert.Single((await SearchAsync($"{seed.Prefix} ledg")).Items).Kind);
        Assert.Equal("api", Assert.Single((await SearchAsync($"{seed.Prefix} billing ev")).Items).Kind);
        Assert.Equal("system", Assert.Single((await SearchAsync($"{seed.Prefix} comm")).Items).Kind);
        Assert.Contains((await SearchAsync("platform crew")).Items, i => i.Kind == "team" && i.Slug == team.Slug);
        Assert.Empty((await SearchAsync($"{seed.Prefix} rders")).Items);
    }

    [Fact]
    public async Task Ranking_is_exact_slug_then_name_prefix_then_word_then_description()
    {
        var seed = new CatalogSeed(factory);
        var teamId = await seed.TeamIdAsync((await factory.CreateTeamAsync()).Slug);
        var word = PortalFactory.Unique("zq").Replace("-", "");
        await seed.ServiceAsync(teamId, "described", description: $"Talks to {word} all day");
        await seed.ServiceAsync(teamId, $"legacy-{word}-adapter");
        await factory.WithDbAsync(async db =>
        {
            db.Services.Add(new Service { Slug = $"{word}-gateway", SlugKey = $"{word}-gateway", Name = $"{word} gateway", OwnerTeamId = teamId, Version = Guid.NewGuid() });
            db.Services.Add(new Service { Slug = word, SlugKey = word, Name = "Exact", OwnerTeamId = teamId, Version = Guid.NewGuid() });
            return await db.SaveChangesAsync();
        });

        var items = (await SearchAsync(word)).Items.Select(i => i.Slug).ToList();

        Assert.Equal([word, $"{word}-gateway", seed.S($"legacy-{word}-adapter"), seed.S("described")], items);
    }

    [Fact]
    public async Task The_index_follows_adds_renames_and_deletes_through_the_service_layer()
    {
        var team = await factory.CreateTeamAsync();
        var slug = PortalFactory.Unique("quokka");
        await factory.CreateServiceAsync(team.Slug, slug, i => i.Tags = ["marsupial"]);
        Assert.Equal(slug, Assert.Single((await SearchAsync(slug)).Items).Slug);
        Assert.Contains((await SearchAsync($"marsup {slug}")).Items, i => i.Slug == slug);

        var renamed = PortalFactory.Unique("wombat");
        await factory.WithServiceAsync<ServiceCatalogService, ServiceDetails>(s =>
        {
            var input = PortalFactory.NewServiceInput(team.Slug, renamed);
            input.Description = "Digs burrows";
            return s.UpdateAsync(Actor.System, slug, input, null);
        });
        Assert.Empty((await SearchAsync(slug)).Items);
        Assert.Equal(0, await TermCountAsync(SearchKinds.Service, slug));
        Assert.Contains((await SearchAsync($"{renamed} burrow")).Items, i => i.Slug == renamed);

        await factory.WithServiceAsync<ServiceCatalogService, int>(async s =>
        {
            await s.DeleteAsync(Actor.System, renamed, null);
            return 0;
        });
        Assert.Empty((await SearchAsync(renamed)).Items);
        Assert.Equal(0, await TermCountAsync(SearchKinds.Service, renamed));
    }

    [Fact]
    public async Task A_save_that_changes_nothing_indexed_leaves_the_terms_alone()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var ids = await factory.WithDbAsync(db => db.SearchTerms.Where(t => t.Key == Slug.Key(service.Slug)).Select(t => t.Id).OrderBy(i => i).ToListAsync());

        await factory.WithDbAsync(async db =>
        {
            var entity = await db.Services.SingleAsync(s => s.SlugKey == Slug.Key(service.Slug));
            entity.Tier = 1;
            return await db.SaveChangesAsync();
        });

        Assert.Equal(ids, await factory.WithDbAsync(db => db.SearchTerms.Where(t => t.Key == Slug.Key(service.Slug)).Select(t => t.Id).OrderBy(i => i).ToListAsync()));
    }

    [Fact]
    public async Task Reindex_rebuilds_the_same_answers()
    {
        var team = await factory.CreateTeamAsync();
        var slug = PortalFactory.Unique("narwhal");
        await factory.CreateServiceAsync(team.Slug, slug);

        var count = await factory.WithServiceAsync<SearchService, int>(s => s.ReindexAsync());

        Assert.True(count > 0);
        Assert.Equal(slug, Assert.Single((await SearchAsync(slug)).Items).Slug);
    }

    [Fact]
    public async Task The_api_answers_items_and_validates_limit_and_length()
    {
        var team = await factory.CreateTeamAsync();
        var slug = PortalFactory.Unique("pangolin");
        await factory.CreateServiceAsync(team.Slug, slug);
        var client = factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Viewer), "read"));

        var response = await client.GetAsync($"/api/v1/search?q={slug[..6]}&limit=5");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var item = json.GetProperty("items").EnumerateArray().First(i => i.GetProperty("slug").GetString() == slug);
        Assert.Equal("service", item.GetProperty("kind").GetString());
        Assert.True(item.TryGetProperty("name", out _));
        Assert.True(item.TryGetProperty("description", out _));
        Assert.Equal(0, JsonDocument.Parse(await client.GetStringAsync("/api/v1/search?q=")).RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/search?q=a&limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/search?q=" + new string('a', 201))).StatusCode);
    }
}
