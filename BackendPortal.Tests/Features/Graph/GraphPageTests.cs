using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Graph;

public class GraphPageTests : PortalTestContext
{
    /// <summary>orders-db ← orders-api (tier 1) ← checkout (tier 1); reports (tier 3) → orders-db.</summary>
    private async Task SeedAsync()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await CreateServiceAsync("checkout", "Checkout", "payments");
        await CreateServiceAsync("reports", "Reports", "payments");
        await using var db = await DbAsync();
        var team = await db.Teams.SingleAsync(t => t.SlugKey == "payments");
        var database = new CatalogDatabase { Slug = "orders-db", SlugKey = "orders-db", Name = "Orders DB", OwnerTeamId = team.Id, Version = Guid.NewGuid() };
        db.Databases.Add(database);
        await db.SaveChangesAsync();
        var ids = await db.Services.ToDictionaryAsync(s => s.Slug, s => s);
        ids["orders-api"].Tier = 1;
        ids["checkout"].Tier = 1;
        db.ServiceDatabases.Add(new ServiceDatabase { ServiceId = ids["orders-api"].Id, DatabaseId = database.Id });
        db.ServiceDatabases.Add(new ServiceDatabase { ServiceId = ids["reports"].Id, DatabaseId = database.Id });
        db.ServiceDependencies.Add(new ServiceDependency { ServiceId = ids["checkout"].Id, DependsOnId = ids["orders-api"].Id });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Draws_the_filtered_catalog_and_picking_a_node_puts_it_in_the_url()
    {
        await SeedAsync();
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<GraphPage>();

        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-testid=graph-node]").Count));
        Assert.Equal(3, cut.FindAll("path.graph-edge").Count);
        cut.Find("[data-node='database:orders-db']").Click();

        var nav = Services.GetRequiredService<NavigationManager>();
        Assert.Contains("pick=database%3Aorders-db", nav.Uri);
    }

    [Fact]
    public async Task A_picked_database_highlights_and_lists_what_it_hits_with_tier_counts()
    {
        await SeedAsync();
        await SignInAsync("Vera Viewer", Roles.Viewer);
        NavigateTo("/graph?pick=database:orders-db");

        var cut = Render<GraphPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=blast-summary]")));
        Assert.Equal("If Orders DB goes down, 3 services (2 tier-1) are hit.", cut.Find("[data-testid=blast-summary]").TextContent.Trim());
        Assert.Contains("Tier 1: 2", cut.Find("[data-testid=tier-1-count]").TextContent);
        Assert.Equal(3, cut.FindAll("[data-testid=blast-items] tbody tr").Count);
        Assert.Contains("graph-selected", cut.Find("[data-node='database:orders-db']").GetAttribute("class"));
        Assert.Equal(3, cut.FindAll("g.graph-hit").Count);
        Assert.DoesNotContain("graph-hit", cut.Find("[data-node='database:orders-db']").GetAttribute("class"));
    }

    [Fact]
    public async Task Focus_depth_and_direction_come_from_the_url()
    {
        await SeedAsync();
        await SignInAsync("Vera Viewer", Roles.Viewer);
        NavigateTo("/graph?focus=service:orders-api&depth=1&dir=down");

        var cut = Render<GraphPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=graph-node]").Count));
        Assert.Contains("graph-focus", cut.Find("[data-node='service:orders-api']").GetAttribute("class"));
        Assert.NotNull(cut.Find("[data-node='database:orders-db']"));
    }

    [Fact]
    public async Task An_unknown_focus_says_so_instead_of_drawing()
    {
        await SeedAsync();
        await SignInAsync("Vera Viewer", Roles.Viewer);
        NavigateTo("/graph?focus=service:nope");

        var cut = Render<GraphPage>();

        cut.WaitForAssertion(() => Assert.Contains("not in the graph", cut.Find("[data-testid=graph-message]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=graph-node]"));
    }

    [Fact]
    public void Filters_report_depth_and_direction_changes()
    {
        GraphQuery? changed = null;
        var cut = Render<GraphFilters>(p => p
            .Add(f => f.Query, new GraphQuery("service:a", 2))
            .Add(f => f.SearchNodes, _ => [])
            .Add(f => f.OnChange, q => changed = q));

        cut.Find("input[data-testid=graph-depth], [data-testid=graph-depth] input").Change("4");

        Assert.Equal(new GraphQuery("service:a", 4), changed);
    }
}
