namespace BackendPortal.Features.Graph;

public sealed record GraphNodeInfo(string Kind, string Slug, string Name, int? Tier, string? Owner, string? System);

public sealed record BlastRadiusItem(string Kind, string Slug, string Name, int? Tier, string? Owner, int Depth, IReadOnlyList<string> Path);

/// <summary>Counts of what is hit; <c>ByTier</c> counts services by tier ("1", "2", "3").</summary>
public sealed record BlastRadiusCounts(int Total, int Services, int Apis, IReadOnlyDictionary<string, int> ByTier);

/// <summary>
/// Everything that transitively depends on <see cref="Node"/>, nearest first. <c>Path</c> runs from
/// the failing node to the one hit. <c>Cycles</c> lists the dependency cycles (as slugs) the failure runs through.
/// </summary>
public sealed record BlastRadius(
    GraphNodeInfo Node,
    string Summary,
    BlastRadiusCounts Counts,
    IReadOnlyList<BlastRadiusItem> Items,
    IReadOnlyList<IReadOnlyList<string>> Cycles);

public enum GraphDirection
{
    Both,
    Up,
    Down,
}

/// <summary>What the graph page asks for. <c>Focus</c> is <c>kind:slug</c>; Up means "what depends on it", Down "what it depends on".</summary>
public sealed record GraphQuery(string? Focus = null, int Depth = GraphQuery.DefaultDepth, GraphDirection Direction = GraphDirection.Both, string? System = null, string? Owner = null)
{
    public const int DefaultDepth = 2;
    public const int MaxDepth = 10;
}

public sealed record GraphViewNode(
    string Id, string Kind, string Slug, string Name, int? Tier, string? Owner, string? System,
    double X, double Y, int Row, bool OnCycle, bool IsFocus);

public sealed record GraphViewEdge(string From, string To, bool OnCycle);

public sealed record GraphView(
    IReadOnlyList<GraphViewNode> Nodes,
    IReadOnlyList<GraphViewEdge> Edges,
    double Width,
    double Height,
    int Matched,
    int TotalNodes,
    string? Message,
    IReadOnlyList<IReadOnlyList<string>> Cycles)
{
    public const double NodeWidth = 170;
    public const double NodeHeight = 46;
}

public sealed record GraphOption(string Slug, string Name);
