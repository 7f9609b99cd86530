using BackendPortal.Data;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Features.Teams;

public static class TeamsApi
{
    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/teams").WithTags("Teams").RequireAuthorization(Policies.Read);

        group.MapGet("/", List).WithSummary("List teams").WithDescription("Keyset-paged; filter by text (slug or name).");
        group.MapGet("/export.csv", ExportCsv).WithSummary("Export teams matching the filter as CSV");
        group.MapGet("/{slug}", Get).WithSummary("Get a team with its members").WithDescription("The ETag header is the version to send back in If-Match.");
        group.MapPost("/", Create).RequireAuthorization(Policies.WriteCatalog).WithSummary("Create a team")
            .WithDescription("An engineer who creates a team becomes its lead.");
        group.MapPut("/{slug}", Update).RequireAuthorization(Policies.WriteCatalog)
            .WithSummary("Replace a team and its members").WithDescription("Team leads and admins. Requires If-Match: 428 without it, 412 when stale.");
        group.MapDelete("/{slug}", Delete).RequireAuthorization(Policies.Admin).WithSummary("Delete a team that owns nothing");
        return api;
    }

    private static async Task<Ok<Page<TeamDetails>>> List(TeamService teams, string? q, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await teams.ListAsync(q, PageRequest.Parse(limit, cursor), ct));

    private static PushStreamHttpResult ExportCsv(TeamService teams, string? q) =>
        ApiConventions.Csv("teams.csv", (w, ct) => teams.WriteCsvAsync(q, w, ct));

    private static async Task<Ok<TeamDetails>> Get(TeamService teams, string slug, HttpResponse response, CancellationToken ct)
    {
        var team = await teams.GetAsync(slug, ct);
        ApiConventions.SetETag(response, team.ETag);
        return TypedResults.Ok(team);
    }

    private static async Task<Created<TeamDetails>> Create(TeamService teams, [FromBody] TeamInput input, HttpContext http, CancellationToken ct)
    {
        var created = await teams.CreateAsync(Actor.From(http.User), input, ct);
        ApiConventions.SetETag(http.Response, created.ETag);
        return TypedResults.Created($"/api/v1/teams/{created.Slug}", created);
    }

    private static async Task<Ok<TeamDetails>> Update(TeamService teams, string slug, [FromBody] TeamInput input, HttpContext http, CancellationToken ct)
    {
        var expected = ApiConventions.RequireIfMatch(http.Request);
        var updated = await teams.UpdateAsync(Actor.From(http.User), slug, input, expected, ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> Delete(TeamService teams, string slug, HttpContext http, CancellationToken ct)
    {
        await teams.DeleteAsync(Actor.From(http.User), slug, ApiConventions.OptionalIfMatch(http.Request), ct);
        return TypedResults.NoContent();
    }
}
