using System.Globalization;
using BackendPortal.Data;

namespace BackendPortal.Features.Graph;

/// <summary>Blast radius and the graph page's view, computed on the cached snapshot.</summary>
public sealed class GraphService(GraphSnapshotCache cache)
{
    /// <summary>More nodes than this make an unreadable drawing and a heavy page; the page asks for a narrower filter.</summary>
    public const int MaxDrawnNodes = 300;

    public Task<GraphSnapshot> SnapshotAsync(CancellationToken ct = default) => cache.GetAsync(ct);

    public async Task<BlastRadius> BlastRadiusAsync(NodeKind kind, string slug, CancellationToken ct = default)
    {
        var graph = await cache.GetAsync(ct);
        var start = graph.Find(kind, slug) ?? throw new NotFoundException($"{Capitalized(GraphRefs.KindName(kind))} '{slug}'");
        return BlastRadiusOf(graph, start);
    }

    public static BlastRadius BlastRadiusOf(GraphSnapshot graph, int start)
    {
        var n = graph.Nodes.Count;
        var parent = new int[n];
        var depth = new int[n];
        Array.Fill(depth, -1);
        depth[start] = 0;
        parent[start] = -1;
        var order = new List<int>();
        var queue = new Queue<int>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var w in graph.Dependents[v])
            {
                if (depth[w] < 0)
                {
                    depth[w] = depth[v] + 1;
                    parent[w] = v;
                    order.Add(w);
                    queue.Enqueue(w);
                }
            }
        }

        var items = new List<BlastRadiusItem>(order.Count);
        var byTier = new SortedDictionary<string, int>(StringComparer.Ordinal) { ["1"] = 0, ["2"] = 0, ["3"] = 0 };
        int services = 0, apis = 0;
        foreach (var v in order)
        {
            var node = graph.Nodes[v];
            if (node.Kind == NodeKind.Service)
            {
                services++;
                var tier = (node.Tier ?? 3).ToString(CultureInfo.InvariantCulture);
                byTier[tier] = byTier.GetValueOrDefault(tier) + 1;
            }
            else if (node.Kind == NodeKind.Api)
            {
                apis++;
            }
            var path = new List<string>(depth[v] + 1);
            for (var p = v; p >= 0; p = parent[p])
            {
                path.Add(graph.Nodes[p].Slug);
            }
            path.Reverse();
            items.Add(new BlastRadiusItem(GraphRefs.KindName(node.Kind), node.Slug, node.Name, node.Tier, TeamSlug(graph, node), depth[v], path));
        }
        items.Sort((a, b) => a.Depth != b.Depth ? a.Depth.CompareTo(b.Depth)
            : (a.Tier ?? 9) != (b.Tier ?? 9) ? (a.Tier ?? 9).CompareTo(b.Tier ?? 9)
            : string.CompareOrdinal(a.Slug, b.Slug));

        var cycles = CyclesThrough(graph, order.Append(start));
        var root = graph.Nodes[start];
        var counts = new BlastRadiusCounts(order.Count, services, apis, byTier);
        return new BlastRadius(Info(graph, root), Summary(root, counts), counts, items, cycles);
    }

    public static string Summary(GraphNode root, BlastRadiusCounts counts)
    {
        if (counts.Total == 0)
        {
            return $"Nothing depends on {root.Name}.";
        }
        var parts = new List<string>();
        if (counts.Services > 0)
        {
            var tier1 = counts.ByTier.GetValueOrDefault("1");
            parts.Add(Plural(counts.Services, "service") + (tier1 > 0 ? $" ({tier1} tier-1)" : ""));
        }
        if (counts.Apis > 0)
        {
            parts.Add(Plural(counts.Apis, "API"));
        }
        return $"If {root.Name} goes down, {string.Join(" and ", parts)} {(counts.Total == 1 ? "is" : "are")} hit.";
    }

    public async Task<GraphView> ViewAsync(GraphQuery query, CancellationToken ct = default)
    {
        var graph = await cache.GetAsync(ct);
        return View(graph, query);
    }

    public static GraphView View(GraphSnapshot graph, GraphQuery query)
    {
        var depth = Math.Clamp(query.Depth, 1, GraphQuery.MaxDepth);
        int? systemId = null, ownerId = null;
        if (!string.IsNullOrWhiteSpace(query.System))
        {
            systemId = graph.Systems.FirstOrDefault(s => s.Value.Slug.Equals(query.System.Trim(), StringComparison.OrdinalIgnoreCase)).Key;
            if (systemId == 0)
            {
                return Empty(graph, $"There is no system '{query.System.Trim()}'.");
            }
        }
        if (!string.IsNullOrWhiteSpace(query.Owner))
        {
            ownerId = graph.Teams.FirstOrDefault(s => s.Value.Slug.Equals(query.Owner.Trim(), StringComparison.OrdinalIgnoreCase)).Key;
            if (ownerId == 0)
            {
                return Empty(graph, $"There is no team '{query.Owner.Trim()}'.");
            }
        }
        bool Passes(int v) => (systemId is null || graph.Nodes[v].SystemId == systemId) && (ownerId is null || graph.Nodes[v].OwnerTeamId == ownerId);

        int? focus = null;
        List<int> picked;
        if (!string.IsNullOrWhiteSpace(query.Focus))
        {
            focus = Resolve(graph, query.Focus);
            if (focus is null)
            {
                return Empty(graph, $"'{query.Focus}' is not in the graph. Pick a service, database or API.");
            }
            picked = Neighbourhood(graph, focus.Value, depth, query.Direction).Where(v => v == focus || Passes(v)).ToList();
        }
        else
        {
            picked = Enumerable.Range(0, graph.Nodes.Count).Where(Passes).ToList();
        }

        if (picked.Count > MaxDrawnNodes)
        {
            var message = focus is null
                ? $"This filter matches {picked.Count:N0} nodes; the graph draws at most {MaxDrawnNodes}. Pick a focus node, or narrow it by system or owner."
                : $"The neighbourhood of {graph.Nodes[focus.Value].Slug} at depth {depth} has {picked.Count:N0} nodes; the graph draws at most {MaxDrawnNodes}. Lower the depth, pick one direction, or narrow it by system or owner.";
            return Empty(graph, message, picked.Count);
        }
        if (picked.Count == 0)
        {
            return Empty(graph, graph.Nodes.Count == 0 ? "The catalog has no services, databases or APIs yet." : "Nothing matches this filter.");
        }
        return Layout(graph, picked, focus);
    }

    public static int? Resolve(GraphSnapshot graph, string reference)
    {
        var text = reference.Trim();
        var colon = text.IndexOf(':');
        if (colon < 0)
        {
            return graph.Find(NodeKind.Service, text) ?? graph.Find(NodeKind.Database, text) ?? graph.Find(NodeKind.Api, text);
        }
        return GraphRefs.ParseKind(text[..colon]) is { } kind ? graph.Find(kind, text[(colon + 1)..]) : null;
    }

    private static HashSet<int> Neighbourhood(GraphSnapshot graph, int focus, int depth, GraphDirection direction)
    {
        var seen = new HashSet<int> { focus };
        void Walk(int[][] edges)
        {
            var frontier = new List<int> { focus };
            var reached = new HashSet<int> { focus };
            for (var d = 0; d < depth && frontier.Count > 0; d++)
            {
                var next = new List<int>();
                foreach (var v in frontier)
                {
                    foreach (var w in edges[v])
                    {
                        if (reached.Add(w))
                        {
                            next.Add(w);
                            seen.Add(w);
                        }
                    }
                }
                frontier = next;
            }
        }
        if (direction is GraphDirection.Both or GraphDirection.Up)
        {
            Walk(graph.Dependents);
        }
        if (direction is GraphDirection.Both or GraphDirection.Down)
        {
            Walk(graph.DependsOn);
        }
        return seen;
    }

    /// <summary>
    /// Layered drawing: each node's layer is the longest chain of dependencies below it (cycles
    /// collapsed to one layer), dependents drawn above what they depend on; within a row, a few
    /// barycenter sweeps reduce crossings. Deterministic: ties break by kind and slug.
    /// </summary>
    private static GraphView Layout(GraphSnapshot graph, List<int> picked, int? focus)
    {
        var inView = picked.ToHashSet();
        var edges = new List<(int From, int To)>();
        foreach (var v in picked)
        {
            foreach (var w in graph.DependsOn[v])
            {
                if (inView.Contains(w))
                {
                    edges.Add((v, w));
                }
            }
        }
        int Group(int v) => graph.ComponentOf[v] >= 0 ? -1 - graph.ComponentOf[v] : v;
        var down = new Dictionary<int, List<int>>();
        foreach (var (from, to) in edges)
        {
            var (gf, gt) = (Group(from), Group(to));
            if (gf != gt)
            {
                (down.TryGetValue(gf, out var list) ? list : down[gf] = []).Add(gt);
            }
        }
        var layer = new Dictionary<int, int>();
        int LayerOf(int g)
        {
            if (layer.TryGetValue(g, out var known))
            {
                return known;
            }
            var stack = new Stack<(int G, int I)>();
            stack.Push((g, 0));
            while (stack.Count > 0)
            {
                var (cur, i) = stack.Pop();
                var targets = down.GetValueOrDefault(cur) ?? [];
                if (i < targets.Count)
                {
                    stack.Push((cur, i + 1));
                    if (!layer.ContainsKey(targets[i]))
                    {
                        stack.Push((targets[i], 0));
                    }
                    continue;
                }
                layer[cur] = targets.Count == 0 ? 0 : targets.Max(t => layer[t]) + 1;
            }
            return layer[g];
        }
        var maxLayer = picked.Max(v => LayerOf(Group(v)));
        var rows = Enumerable.Range(0, maxLayer + 1).Select(_ => new List<int>()).ToArray();
        foreach (var v in picked.OrderBy(v => graph.Nodes[v].Kind).ThenBy(v => graph.Nodes[v].Slug, StringComparer.Ordinal))
        {
            rows[maxLayer - LayerOf(Group(v))].Add(v);
        }

        var neighbours = picked.ToDictionary(v => v, _ => new List<int>());
        foreach (var (from, to) in edges)
        {
            neighbours[from].Add(to);
            neighbours[to].Add(from);
        }
        var position = new Dictionary<int, double>();
        void Number(List<int> row)
        {
            for (var i = 0; i < row.Count; i++)
            {
                position[row[i]] = i - (row.Count - 1) / 2.0;
            }
        }
        foreach (var row in rows)
        {
            Number(row);
        }
        for (var sweep = 0; sweep < 4; sweep++)
        {
            var sequence = sweep % 2 == 0 ? Enumerable.Range(1, rows.Length - 1) : Enumerable.Range(0, rows.Length - 1).Reverse();
            foreach (var r in sequence)
            {
                var reference = rows[sweep % 2 == 0 ? r - 1 : r + 1].ToHashSet();
                var keyed = rows[r].Select(v =>
                {
                    var near = neighbours[v].Where(reference.Contains).ToList();
                    return (Node: v, Key: near.Count == 0 ? position[v] : near.Average(w => position[w]), Was: position[v]);
                }).OrderBy(k => k.Key).ThenBy(k => k.Was).Select(k => k.Node).ToList();
                rows[r] = keyed;
                Number(keyed);
            }
        }

        const double gapX = 200, gapY = 120, margin = 30;
        var widest = rows.Max(r => r.Count);
        var width = widest * gapX + margin * 2;
        var height = rows.Length * gapY + margin;
        var nodes = new List<GraphViewNode>(picked.Count);
        for (var r = 0; r < rows.Length; r++)
        {
            foreach (var v in rows[r])
            {
                var node = graph.Nodes[v];
                var x = width / 2 + position[v] * gapX - GraphView.NodeWidth / 2;
                var y = margin + r * gapY;
                nodes.Add(new GraphViewNode(node.Ref, GraphRefs.KindName(node.Kind), node.Slug, node.Name, node.Tier,
                    TeamSlug(graph, node), SystemSlug(graph, node), x, y, r, graph.ComponentOf[v] >= 0, v == focus));
            }
        }
        var viewEdges = edges.Select(e => new GraphViewEdge(graph.Nodes[e.From].Ref, graph.Nodes[e.To].Ref,
            graph.ComponentOf[e.From] >= 0 && graph.ComponentOf[e.From] == graph.ComponentOf[e.To])).ToList();
        return new GraphView(nodes, viewEdges, width, height, picked.Count, graph.Nodes.Count, null, CyclesThrough(graph, picked));
    }

    private static GraphView Empty(GraphSnapshot graph, string message, int matched = 0) =>
        new([], [], 0, 0, matched, graph.Nodes.Count, message, []);

    private static List<IReadOnlyList<string>> CyclesThrough(GraphSnapshot graph, IEnumerable<int> nodes) =>
        [.. nodes.Select(v => graph.ComponentOf[v]).Where(c => c >= 0).Distinct().Order()
            .Select(c => (IReadOnlyList<string>)[.. graph.Components[c].Select(v => graph.Nodes[v].Slug).Order(StringComparer.Ordinal)])];

    public static GraphNodeInfo Info(GraphSnapshot graph, GraphNode node) =>
        new(GraphRefs.KindName(node.Kind), node.Slug, node.Name, node.Tier, TeamSlug(graph, node), SystemSlug(graph, node));

    private static string? TeamSlug(GraphSnapshot graph, GraphNode node) =>
        graph.Teams.TryGetValue(node.OwnerTeamId, out var t) ? t.Slug : null;

    private static string? SystemSlug(GraphSnapshot graph, GraphNode node) =>
        node.SystemId is { } id && graph.Systems.TryGetValue(id, out var s) ? s.Slug : null;

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count:N0} {noun}s";

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
