namespace BackendPortal.Features.Graph;

public enum NodeKind : byte
{
    Service,
    Database,
    Api,
}

public sealed record GraphNode(NodeKind Kind, int EntityId, string Slug, string Name, int? Tier, int OwnerTeamId, int? SystemId)
{
    public string Ref => $"{GraphRefs.KindName(Kind)}:{Slug}";
}

public static class GraphRefs
{
    public static string KindName(NodeKind kind) => kind switch
    {
        NodeKind.Database => "database",
        NodeKind.Api => "api",
        _ => "service",
    };

    public static NodeKind? ParseKind(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "service" or "component" => NodeKind.Service,
        "database" => NodeKind.Database,
        "api" => NodeKind.Api,
        _ => null,
    };
}

/// <summary>
/// The whole dependency graph as ids and arrays: an edge u → v means u depends on v (u is hit
/// when v fails). APIs sit between their providers and consumers: consumer → API → provider.
/// Immutable once built; shared by every request until the catalog stamp changes.
/// </summary>
public sealed class GraphSnapshot
{
    private readonly Dictionary<(NodeKind, string), int> byKey;

    public GraphSnapshot(
        Guid stamp,
        IReadOnlyList<GraphNode> nodes,
        IEnumerable<(int From, int To)> edges,
        IReadOnlyDictionary<int, (string Slug, string Name)> teams,
        IReadOnlyDictionary<int, (string Slug, string Name)> systems)
    {
        Stamp = stamp;
        Nodes = nodes;
        Teams = teams;
        Systems = systems;
        byKey = new Dictionary<(NodeKind, string), int>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
        {
            byKey[(nodes[i].Kind, nodes[i].Slug.ToLowerInvariant())] = i;
        }
        var outs = new List<int>[nodes.Count];
        var ins = new List<int>[nodes.Count];
        var count = 0;
        foreach (var (from, to) in edges.Distinct())
        {
            (outs[from] ??= []).Add(to);
            (ins[to] ??= []).Add(from);
            count++;
        }
        EdgeCount = count;
        DependsOn = [.. outs.Select(l => l is null ? Array.Empty<int>() : l.ToArray())];
        Dependents = [.. ins.Select(l => l is null ? Array.Empty<int>() : l.ToArray())];
        Components = StronglyConnected(DependsOn, out var componentOf);
        ComponentOf = componentOf;
    }

    public Guid Stamp { get; }

    public IReadOnlyList<GraphNode> Nodes { get; }

    public int EdgeCount { get; }

    public int[][] DependsOn { get; }

    public int[][] Dependents { get; }

    public IReadOnlyDictionary<int, (string Slug, string Name)> Teams { get; }

    public IReadOnlyDictionary<int, (string Slug, string Name)> Systems { get; }

    /// <summary>Strongly connected components with more than one node or a self-loop: the cycles.</summary>
    public IReadOnlyList<int[]> Components { get; }

    /// <summary>Node → index in <see cref="Components"/>, or -1 when the node is on no cycle.</summary>
    public int[] ComponentOf { get; }

    public int? Find(NodeKind kind, string slug) => byKey.TryGetValue((kind, slug.ToLowerInvariant()), out var i) ? i : null;

    /// <summary>Tarjan's algorithm, iterative so a long chain cannot overflow the stack.</summary>
    private static List<int[]> StronglyConnected(int[][] edges, out int[] componentOf)
    {
        var n = edges.Length;
        var index = new int[n];
        var low = new int[n];
        var onStack = new bool[n];
        Array.Fill(index, -1);
        componentOf = new int[n];
        Array.Fill(componentOf, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        var components = new List<int[]>();
        var next = 0;
        for (var root = 0; root < n; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }
            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (v, e) = work.Pop();
                if (e == 0)
                {
                    index[v] = low[v] = next++;
                    stack.Push(v);
                    onStack[v] = true;
                }
                var descended = false;
                for (; e < edges[v].Length; e++)
                {
                    var w = edges[v][e];
                    if (index[w] < 0)
                    {
                        work.Push((v, e + 1));
                        work.Push((w, 0));
                        descended = true;
                        break;
                    }
                    if (onStack[w])
                    {
                        low[v] = Math.Min(low[v], index[w]);
                    }
                }
                if (descended)
                {
                    continue;
                }
                if (low[v] == index[v])
                {
                    var members = new List<int>();
                    int w;
                    do
                    {
                        w = stack.Pop();
                        onStack[w] = false;
                        members.Add(w);
                    }
                    while (w != v);
                    if (members.Count > 1 || edges[v].Contains(v))
                    {
                        foreach (var m in members)
                        {
                            componentOf[m] = components.Count;
                        }
                        components.Add([.. members]);
                    }
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[v]);
                }
            }
        }
        return components;
    }
}
