using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BackendPortal.Features.Search;

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/search", Search).WithTags("Search").RequireAuthorization(Policies.Read)
            .WithSummary("Search the catalog")
            .WithDescription($"Services, systems, databases, APIs, teams and people by slug, name, tags and description. Every word of q must start a word of the entity (`ord` finds `orders-api`). Ranked: exact slug, then slug or name starting with q, then word matches, then description matches. limit 1–{SearchService.MaxLimit}, default {SearchService.DefaultLimit}.");
        return api;
    }

    private static async Task<Ok<SearchResults>> Search(SearchService search, string? q, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await search.SearchAsync(q, limit, ct));
}
