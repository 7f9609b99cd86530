using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class GraphTests(PortalFixture portal)
{
    [Fact]
    public async Task A_viewer_opens_the_graph_picks_a_database_and_sees_its_blast_radius()
    {
        var api = await portal.GivenServiceAsync();
        var web = await portal.GivenServiceAsync();
        var dbSlug = Unique.Slug("orders-db");
        await portal.WithServiceAsync(async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var apiEntity = await db.Services.SingleAsync(s => s.SlugKey == Slug.Key(api.Slug));
            var webEntity = await db.Services.SingleAsync(s => s.SlugKey == Slug.Key(web.Slug));
            apiEntity.Tier = 1;
            var database = new CatalogDatabase { Slug = dbSlug, SlugKey = Slug.Key(dbSlug), Name = $"Orders DB {dbSlug}", OwnerTeamId = apiEntity.OwnerTeamId };
            database.Stamp("e2e", DateTime.UtcNow);
            db.Databases.Add(database);
            await db.SaveChangesAsync();
            db.ServiceDatabases.Add(new ServiceDatabase { ServiceId = apiEntity.Id, DatabaseId = database.Id });
            db.ServiceDependencies.Add(new ServiceDependency { ServiceId = webEntity.Id, DependsOnId = apiEntity.Id });
            return await db.SaveChangesAsync();
        });
        var viewer = await portal.CreateUserAsync("Viewer", "Vic Viewer");
        await using var context = await portal.NewContextAsync();
        var page = (await LoginPage.SignInAsync(context, viewer)).Page;

        var graph = await new GraphPage(page).GotoAsync($"?focus=database:{dbSlug}&depth=2");
        await Expect(graph.Node("service", web.Slug)).ToBeVisibleAsync();
        await graph.PickAsync("database", dbSlug);

        await Expect(graph.BlastSummary).ToContainTextAsync("2 services (1 tier-1) are hit");
        await Expect(graph.BlastItems).ToHaveCountAsync(2);
        await Expect(graph.Node("service", web.Slug)).ToHaveClassAsync(new Regex("graph-hit"));
        await Expect(page).ToHaveURLAsync(new Regex($"pick=database%3A{Regex.Escape(dbSlug)}"));
        await Screenshots.SaveAsync(page, "graph-blast-radius");
    }

    [Fact]
    public async Task Ctrl_K_finds_a_service_and_enter_opens_it()
    {
        var service = await portal.GivenServiceAsync();
        var viewer = await portal.CreateUserAsync("Viewer", "Sue Searcher");
        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, viewer);
        await home.WaitUntilInteractiveAsync();
        var search = new GlobalSearchBox(home.Page);

        await search.OpenWithShortcutAsync();
        await search.Input.PressSequentiallyAsync(service.Slug[..^2]);
        await Expect(search.Hits.First).ToContainTextAsync(service.Name);
        await Screenshots.SaveAsync(home.Page, "global-search");
        await search.Input.PressAsync("Enter");

        await Expect(home.Page).ToHaveURLAsync(new Regex($"/services/{Regex.Escape(service.Slug)}$"));
    }
}
