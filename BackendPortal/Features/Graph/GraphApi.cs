using BackendPortal.Data;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BackendPortal.Features.Graph;

public static class GraphApi
{
    public static IEndpointRouteBuilder MapGraphApi(this IEndpointRouteBuilder api)
    {
        const string blastDescription = "Everything that transitively depends on it, nearest first, with the path from it, counts by tier and the dependency cycles the failure runs through.";
        api.MapGet("/services/{slug}/blast-radius", (GraphService graph, string slug, CancellationToken ct) => BlastRadius(graph, NodeKind.Service, slug, ct))
            .WithSummary("What is hit when this service fails").WithDescription(blastDescription).WithTags("Graph").RequireAuthorization(Policies.Read);
        api.MapGet("/databases/{slug}/blast-radius", (GraphService graph, string slug, CancellationToken ct) => BlastRadius(graph, NodeKind.Database, slug, ct))
            .WithSummary("What is hit when this database fails").WithDescription(blastDescription).WithTags("Graph").RequireAuthorization(Policies.Read);
        api.MapGet("/apis/{slug}/blast-radius", (GraphService graph, string slug, CancellationToken ct) => BlastRadius(graph, NodeKind.Api, slug, ct))
            .WithSummary("What is hit when this API fails").WithDescription(blastDescription).WithTags("Graph").RequireAuthorization(Policies.Read);
        api.MapGet("/graph", View).WithTags("Graph").RequireAuthorization(Policies.Read)
            .WithSummary("The dependency graph, laid out")
            .WithDescription($"Nodes with positions and edges (from the dependent to what it depends on). focus is kind:slug (service, database, api); depth 1–{GraphQuery.MaxDepth}; direction both, up (dependents) or down (dependencies); system and owner are slugs. At most {GraphService.MaxDrawnNodes} nodes are laid out; a larger match answers with a message and no nodes.");
        return api;
    }

    private static async Task<Ok<BlastRadius>> BlastRadius(GraphService graph, NodeKind kind, string slug, CancellationToken ct) =>
        TypedResults.Ok(await graph.BlastRadiusAsync(kind, slug, ct));

    private static async Task<Ok<GraphView>> View(
        GraphService graph, string? focus, int? depth, string? direction, string? system, string? owner, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (depth is < 1 or > GraphQuery.MaxDepth)
        {
            errors.Add("depth", $"depth must be between 1 and {GraphQuery.MaxDepth}.");
        }
        var dir = GraphDirection.Both;
        if (!string.IsNullOrWhiteSpace(direction) && !Enum.TryParse(direction.Trim(), ignoreCase: true, out dir))
        {
            errors.Add("direction", "direction must be both, up (what depends on the focus) or down (what the focus depends on).");
        }
        errors.ThrowIfAny();
        return TypedResults.Ok(await graph.ViewAsync(new GraphQuery(focus, depth ?? GraphQuery.DefaultDepth, dir, system, owner), ct));
    }
}
