namespace BackendPortal.Features.Graph;

/// <summary>Blast radius, cycles and layout on hand-built graphs; no database.</summary>
public sealed class GraphSnapshotTests
{
    private static GraphSnapshot Build(IReadOnlyList<GraphNode> nodes, params (int From, int To)[] edges) =>
        new(Guid.NewGuid(), nodes, edges, new Dictionary<int, (string, string)> { [1] = ("core", "Core") }, new Dictionary<int, (string, string)>());

    private static GraphNode Svc(string slug, int tier = 3) => new(NodeKind.Service, 0, slug, slug, tier, 1, null);

    private static GraphNode Db(string slug) => new(NodeKind.Database, 0, slug, slug, null, 1, null);

    private static GraphNode Api(string slug) => new(NodeKind.Api, 0, slug, slug, null, 1, null);

    [Fact]
    public void A_chain_is_hit_in_order_with_depth_and_path()
    {
        // c -> b -> a: a fails, b then c are hit.
        var graph = Build([Svc("a"), Svc("b", 1), Svc("c")], (1, 0), (2, 1));

        var radius = GraphService.BlastRadiusOf(graph, 0);

        Assert.Equal(["b", "c"], radius.Items.Select(i => i.Slug));
        Assert.Equal([1, 2], radius.Items.Select(i => i.Depth));
        Assert.Equal(["a", "b", "c"], radius.Items[1].Path);
        Assert.Equal(2, radius.Counts.Services);
        Assert.Equal(1, radius.Counts.ByTier["1"]);
        Assert.Equal("If a goes down, 2 services (1 tier-1) are hit.", radius.Summary);
        Assert.Empty(radius.Cycles);
    }

    [Fact]
    public void A_diamond_counts_the_shared_dependent_once_at_its_shortest_depth()
    {
        // top -> left -> base, top -> right -> base, top -> base
        var graph = Build([Svc("base"), Svc("left"), Svc("right"), Svc("top")], (1, 0), (2, 0), (3, 1), (3, 2), (3, 0));

        var radius = GraphService.BlastRadiusOf(graph, 0);

        Assert.Equal(3, radius.Counts.Total);
        Assert.Single(radius.Items, i => i.Slug == "top");
        Assert.Equal(1, radius.Items.Single(i => i.Slug == "top").Depth);
    }

    [Fact]
    public void Nothing_depends_on_a_leaf()
    {
        var graph = Build([Svc("a"), Svc("b")], (1, 0));

        var radius = GraphService.BlastRadiusOf(graph, 1);

        Assert.Empty(radius.Items);
        Assert.Equal("Nothing depends on b.", radius.Summary);
    }

    [Fact]
    public void A_cycle_is_reported_and_does_not_loop_or_count_the_start()
    {
        // a -> b -> c -> a, and d -> a
        var graph = Build([Svc("a"), Svc("b"), Svc("c"), Svc("d")], (0, 1), (1, 2), (2, 0), (3, 0));

        var radius = GraphService.BlastRadiusOf(graph, 0);

        Assert.Equal(["c", "d", "b"], radius.Items.Select(i => i.Slug));
        Assert.DoesNotContain(radius.Items, i => i.Slug == "a");
        var cycle = Assert.Single(radius.Cycles);
        Assert.Equal(["a", "b", "c"], cycle);
        Assert.Single(graph.Components);
        Assert.Equal(-1, graph.ComponentOf[3]);
    }

    [Fact]
    public void A_self_dependency_is_a_cycle()
    {
        var graph = Build([Svc("a")], (0, 0));

        Assert.Equal(["a"], Assert.Single(GraphService.BlastRadiusOf(graph, 0).Cycles));
    }

    [Fact]
    public void A_database_hits_its_users_and_what_depends_on_them()
    {
        // orders-api -> orders-db, checkout -> orders-api, reports -> orders-db
        var graph = Build([Db("orders-db"), Svc("orders-api", 1), Svc("checkout", 1), Svc("reports", 3)], (1, 0), (2, 1), (3, 0));

        var radius = GraphService.BlastRadiusOf(graph, 0);

        Assert.Equal("database", radius.Node.Kind);
        Assert.Equal(3, radius.Counts.Services);
        Assert.Equal(2, radius.Counts.ByTier["1"]);
        Assert.Equal("If orders-db goes down, 3 services (2 tier-1) are hit.", radius.Summary);
        Assert.Equal(["orders-db", "orders-api", "checkout"], radius.Items.Single(i => i.Slug == "checkout").Path);
    }

    [Fact]
    public void An_api_carries_a_providers_failure_to_its_consumers()
    {
        // provider provides payments-api; web consumes it: web -> payments-api -> provider
        var graph = Build([Svc("provider"), Api("payments-api"), Svc("web", 1)], (1, 0), (2, 1));

        var fromProvider = GraphService.BlastRadiusOf(graph, 0);
        var fromApi = GraphService.BlastRadiusOf(graph, 1);

        Assert.Equal(1, fromProvider.Counts.Apis);
        Assert.Equal(1, fromProvider.Counts.Services);
        Assert.Equal(["provider", "payments-api", "web"], fromProvider.Items.Single(i => i.Slug == "web").Path);
        Assert.Equal(["web"], fromApi.Items.Select(i => i.Slug));
    }

    [Fact]
    public void A_long_chain_does_not_overflow_the_stack()
    {
        const int n = 50_000;
        var nodes = Enumerable.Range(0, n).Select(i => Svc("s" + i)).ToList();
        var edges = Enumerable.Range(1, n - 1).Select(i => (i, i - 1)).Append((0, n - 1)).ToArray();

        var graph = Build(nodes, edges);

        Assert.Equal(n, Assert.Single(graph.Components).Length);
        Assert.Equal(n - 1, GraphService.BlastRadiusOf(graph, 0).Counts.Total);
    }

    [Fact]
    public void The_layout_puts_dependents_above_dependencies_and_is_deterministic()
    {
        var graph = Build([Db("db"), Svc("api"), Svc("web"), Svc("worker")], (1, 0), (2, 1), (3, 0));

        var view = GraphService.View(graph, new GraphQuery());
        var again = GraphService.View(graph, new GraphQuery());

        Assert.Null(view.Message);
        Assert.Equal(view.Nodes, again.Nodes);
        double Y(string slug) => view.Nodes.Single(n => n.Slug == slug).Y;
        Assert.True(Y("web") < Y("api"));
        Assert.True(Y("api") < Y("db"));
        Assert.Equal(3, view.Edges.Count);
        Assert.Equal(4, view.Nodes.Select(n => (n.X, n.Y)).Distinct().Count());
    }

    [Fact]
    public void Focus_depth_and_direction_limit_the_drawing()
    {
        // d -> c -> b -> a
        var graph = Build([Svc("a"), Svc("b"), Svc("c"), Svc("d")], (1, 0), (2, 1), (3, 2));

        var up = GraphService.View(graph, new GraphQuery("service:b", 1, GraphDirection.Up));
        var down = GraphService.View(graph, new GraphQuery("b", 1, GraphDirection.Down));
        var both = GraphService.View(graph, new GraphQuery("service:b", 2, GraphDirection.Both));

        Assert.Equal(["b", "c"], up.Nodes.Select(n => n.Slug).Order());
        Assert.Equal(["a", "b"], down.Nodes.Select(n => n.Slug).Order());
        Assert.Equal(4, both.Nodes.Count);
        Assert.True(up.Nodes.Single(n => n.Slug == "b").IsFocus);
    }

    [Fact]
    public void Too_many_nodes_give_a_message_instead_of_a_drawing()
    {
        var nodes = Enumerable.Range(0, GraphService.MaxDrawnNodes + 1).Select(i => Svc("s" + i)).ToList();
        var graph = Build(nodes);

        var view = GraphService.View(graph, new GraphQuery());

        Assert.Empty(view.Nodes);
        Assert.Equal(GraphService.MaxDrawnNodes + 1, view.Matched);
        Assert.Contains("Pick a focus node", view.Message);
    }

    [Fact]
    public void Cycle_edges_are_marked_in_the_view()
    {
        var graph = Build([Svc("a"), Svc("b"), Svc("c")], (0, 1), (1, 0), (2, 0));

        var view = GraphService.View(graph, new GraphQuery());

        Assert.True(view.Edges.Single(e => e.From == "service:a").OnCycle);
        Assert.False(view.Edges.Single(e => e.From == "service:c").OnCycle);
        Assert.Equal(["a", "b"], Assert.Single(view.Cycles));
    }
}
