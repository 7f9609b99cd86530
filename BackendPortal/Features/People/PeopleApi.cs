using BackendPortal.Data;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Features.People;

public static class PeopleApi
{
    public static IEndpointRouteBuilder MapPeopleEndpoints(this IEndpointRouteBuilder api)
    {
        var people = api.MapGroup("/people").WithTags("People").RequireAuthorization(Policies.Read);
        people.MapGet("/", List).WithSummary("List people")
            .WithDescription("Keyset-paged; filter by text (name, slug, e-mail, title), team slug, level, and skill with minLevel (0–4, default 2: people who know the skill at least that well).");
        people.MapGet("/export.csv", ExportCsv).WithSummary("Export people matching the filter as CSV");
        people.MapGet("/bus-factor-risks", Risks).WithSummary("Services with a bus factor under 2")
            .WithDescription("Keyset-paged, worst first then by slug. Optional team (slug) narrows to that team's services. Computed once per change to ratings, memberships, people, teams, skills, services or databases, not per request.");
        people.MapGet("/{slug}", Get).WithSummary("Get a person").WithDescription("The ETag header is the version to send back in If-Match.");
        people.MapPost("/", Create).RequireAuthorization(Policies.WriteCatalog).WithSummary("Create a person")
            .WithDescription("Admins in any team; a team lead in the teams they lead. Body: slug, name, teams (slugs), level, and optional title and email.");
        people.MapPut("/{slug}", Update).WithSummary("Replace a person's profile")
            .WithDescription("The person (name, title, e-mail), a lead of one of their teams (also level and memberships of the teams they lead) or an admin. Requires If-Match: 428 without it, 412 when stale.");
        people.MapDelete("/{slug}", Delete).RequireAuthorization(Policies.Admin).WithSummary("Delete a person without a sign-in account");
        people.MapGet("/{slug}/skills", Skills).WithSummary("A person's skill ratings (0–4) with endorsements")
            .WithDescription("The ETag header may be sent back in If-Match with PUT to refuse a save over someone else's change.");
        people.MapPut("/{slug}/skills", ReplaceSkills).WithSummary("Replace a person's skill ratings")
            .WithDescription("Body: [ { \"skill\": \"java\", \"level\": 3 } ]. The person or an admin. Unknown skills or levels outside 0–4 are refused naming them. A changed rating loses its endorsement.");
        people.MapPut("/{slug}/skills/{skill}/endorsement", Endorse).WithSummary("Endorse a member's rating")
            .WithDescription("A lead of one of the person's teams, or an admin; never your own.");
        people.MapDelete("/{slug}/skills/{skill}/endorsement", Unendorse).WithSummary("Withdraw an endorsement");
        people.MapGet("/{slug}/gap", Gap).WithSummary("What the person lacks for a level")
            .WithDescription("level defaults to the person's own level (junior when unset). Answer: { missing: [ { skill, required, actual } ] }.");

        var skills = api.MapGroup("/skills").WithTags("Skills").RequireAuthorization(Policies.Read);
        skills.MapGet("/", ListSkills).WithSummary("The skill catalog").WithDescription("Optional category filter.");
        skills.MapGet("/{slug}", GetSkill).WithSummary("Get a skill");
        skills.MapPost("/", CreateSkill).RequireAuthorization(Policies.Admin).WithSummary("Add a skill").WithDescription("Body: slug, name, category. A duplicate slug is 409.");
        skills.MapPut("/{slug}", UpdateSkill).RequireAuthorization(Policies.Admin).WithSummary("Replace a skill").WithDescription("Requires If-Match.");
        skills.MapDelete("/{slug}", DeleteSkill).RequireAuthorization(Policies.Admin).WithSummary("Delete a skill with its ratings and level expectations");

        var levels = api.MapGroup("/levels").WithTags("Skills").RequireAuthorization(Policies.Read);
        levels.MapGet("/", ListLevels).WithSummary("Role levels with their expected skills and minimum proficiency");
        levels.MapGet("/{level}", GetLevel).WithSummary("One role level");
        levels.MapPut("/{level}", UpdateLevel).RequireAuthorization(Policies.Admin).WithSummary("Replace a level's name, description and expectations")
            .WithDescription("Requires If-Match.");

        api.MapGet("/teams/{slug}/skills-matrix", Matrix).RequireAuthorization(Policies.Read).WithTags("Teams")
            .WithSummary("People × skills of a team with coverage per skill").WithDescription("Optional category filter. Coverage counts members at working (2) or better.");
        api.MapGet("/services/{slug}/bus-factor", BusFactor).RequireAuthorization(Policies.Read).WithTags("Services")
            .WithSummary("How many people of the owning team know the service's languages and database engines")
            .WithDescription("People count when they rate every required skill at working (2) or better. Uncovered: requirements nobody in the team meets, or with no skill in the catalog.");
        return api;
    }

    private static async Task<Ok<Page<PersonDetails>>> List(
        PeopleService service, string? q, string? team, string? level, string? skill, int? minLevel, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(new PeopleFilter(q, team, level, skill, minLevel), PageRequest.Parse(limit, cursor), ct));

    private static PushStreamHttpResult ExportCsv(PeopleService service, string? q, string? team, string? level, string? skill, int? minLevel) =>
        ApiConventions.Csv("people.csv", (w, ct) => service.WriteCsvAsync(new PeopleFilter(q, team, level, skill, minLevel), w, ct));

    private static async Task<Ok<Page<BusFactorRisk>>> Risks(SkillInsightsService insights, string? team, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await insights.RisksPageAsync(team, PageRequest.Parse(limit, cursor), ct));

    private static async Task<Ok<PersonDetails>> Get(PeopleService service, string slug, HttpResponse response, CancellationToken ct)
    {
        var person = await service.GetAsync(slug, ct);
        ApiConventions.SetETag(response, person.ETag);
        return TypedResults.Ok(person);
    }

    private static async Task<Created<PersonDetails>> Create(PeopleService service, [FromBody] PersonInput input, HttpContext http, CancellationToken ct)
    {
        var created = await service.CreateAsync(Actor.From(http.User), input, ct);
        ApiConventions.SetETag(http.Response, created.ETag);
        return TypedResults.Created($"/api/v1/people/{created.Slug}", created);
    }

    private static async Task<Ok<PersonDetails>> Update(PeopleService service, string slug, [FromBody] PersonInput input, HttpContext http, CancellationToken ct)
    {
        var expected = ApiConventions.RequireIfMatch(http.Request);
        var updated = await service.UpdateAsync(Actor.From(http.User), slug, input, expected, ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> Delete(PeopleService service, string slug, HttpContext http, CancellationToken ct)
    {
        await service.DeleteAsync(Actor.From(http.User), slug, ApiConventions.OptionalIfMatch(http.Request), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<SkillRating>>> Skills(PeopleService service, string slug, HttpResponse response, CancellationToken ct)
    {
        var (ratings, etag) = await service.SkillsAsync(slug, ct);
        ApiConventions.SetETag(response, etag);
        return TypedResults.Ok(ratings);
    }

    private static async Task<Ok<IReadOnlyList<SkillRating>>> ReplaceSkills(
        PeopleService service, string slug, [FromBody] List<SkillRatingInput>? input, HttpContext http, CancellationToken ct)
    {
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        var expected = string.IsNullOrWhiteSpace(ifMatch) || ifMatch.Trim() == "*" ? null : ifMatch.Trim();
        var ratings = await service.ReplaceSkillsAsync(Actor.From(http.User), slug, input, expected, ct);
        ApiConventions.SetETag(http.Response, PeopleService.RatingsETag(ratings));
        return TypedResults.Ok(ratings);
    }

    private static async Task<Ok<SkillRating>> Endorse(PeopleService service, string slug, string skill, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await service.EndorseAsync(Actor.From(http.User), slug, skill, endorse: true, ct));

    private static async Task<Ok<SkillRating>> Unendorse(PeopleService service, string slug, string skill, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await service.EndorseAsync(Actor.From(http.User), slug, skill, endorse: false, ct));

    private static async Task<Ok<GapResult>> Gap(PeopleService service, string slug, string? level, CancellationToken ct) =>
        TypedResults.Ok(await service.GapAsync(slug, level, ct));

    private static async Task<Ok<IReadOnlyList<SkillDetails>>> ListSkills(SkillCatalogService catalog, string? category, CancellationToken ct) =>
        TypedResults.Ok(await catalog.ListAsync(category, ct));

    private static async Task<Ok<SkillDetails>> GetSkill(SkillCatalogService catalog, string slug, HttpResponse response, CancellationToken ct)
    {
        var skill = await catalog.GetAsync(slug, ct);
        ApiConventions.SetETag(response, skill.ETag);
        return TypedResults.Ok(skill);
    }

    private static async Task<Created<SkillDetails>> CreateSkill(SkillCatalogService catalog, [FromBody] SkillInput input, HttpContext http, CancellationToken ct)
    {
        var created = await catalog.CreateAsync(Actor.From(http.User), input, ct);
        ApiConventions.SetETag(http.Response, created.ETag);
        return TypedResults.Created($"/api/v1/skills/{created.Slug}", created);
    }

    private static async Task<Ok<SkillDetails>> UpdateSkill(SkillCatalogService catalog, string slug, [FromBody] SkillInput input, HttpContext http, CancellationToken ct)
    {
        var expected = ApiConventions.RequireIfMatch(http.Request);
        var updated = await catalog.UpdateAsync(Actor.From(http.User), slug, input, expected, ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> DeleteSkill(SkillCatalogService catalog, string slug, HttpContext http, CancellationToken ct)
    {
        await catalog.DeleteAsync(Actor.From(http.User), slug, ApiConventions.OptionalIfMatch(http.Request), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<LevelDetails>>> ListLevels(SkillCatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.LevelsAsync(ct));

    private static async Task<Ok<LevelDetails>> GetLevel(SkillCatalogService catalog, string level, HttpResponse response, CancellationToken ct)
    {
        var found = await catalog.LevelAsync(level, ct);
        ApiConventions.SetETag(response, found.ETag);
        return TypedResults.Ok(found);
    }

    private static async Task<Ok<LevelDetails>> UpdateLevel(SkillCatalogService catalog, string level, [FromBody] LevelInput input, HttpContext http, CancellationToken ct)
    {
        var expected = ApiConventions.RequireIfMatch(http.Request);
        var updated = await catalog.UpdateLevelAsync(Actor.From(http.User), level, input, expected, ct);
        ApiConventions.SetETag(http.Response, updated.ETag);
        return TypedResults.Ok(updated);
    }

    private static async Task<Ok<SkillsMatrix>> Matrix(SkillInsightsService insights, string slug, string? category, CancellationToken ct) =>
        TypedResults.Ok(await insights.MatrixAsync(slug, category, ct));

    private static async Task<Ok<BusFactorResult>> BusFactor(SkillInsightsService insights, string slug, CancellationToken ct) =>
        TypedResults.Ok(await insights.BusFactorAsync(slug, ct));
}
