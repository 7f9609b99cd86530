using BackendPortal.Data;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Features.Users;

public static class UsersApi
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", List).WithSummary("List users").WithDescription("Keyset-paged by e-mail; q filters by e-mail or display name. Admins, scope admin.");
        group.MapPost("/", Create).WithSummary("Create a user without a password")
            .WithDescription("Returns the user and a one-time setPasswordUrl (valid 24 hours) for its owner to choose a password.");
        group.MapGet("/{email}", Get).WithSummary("Get a user");
        group.MapPatch("/{email}", Update).WithSummary("Change a user's roles, lock or disabled state")
            .WithDescription("Any combination of { \"disabled\": bool, \"locked\": bool, \"roles\": [..] }. Ends the user's browser sessions within the revalidation interval. 409 when it would leave no active admin.");
        return api;
    }

    private static async Task<Ok<Page<UserSummary>>> List(UserAdminService users, string? q, int? limit, string? cursor, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await users.ListAsync(Actor.From(http.User), q, PageRequest.Parse(limit, cursor), ct));

    private static async Task<Ok<UserSummary>> Get(UserAdminService users, string email, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await users.GetAsync(Actor.From(http.User), email, ct));

    private static async Task<Created<CreatedUser>> Create(UserAdminService users, [FromBody] NewUserInput input, HttpContext http, CancellationToken ct)
    {
        var created = await users.CreateAsync(Actor.From(http.User), input, ct);
        var request = http.Request;
        var absolute = $"{request.Scheme}://{request.Host}{request.PathBase}{created.SetPasswordUrl}";
        return TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(created.User.Email)}", created with { SetPasswordUrl = absolute });
    }

    private static async Task<Ok<UserSummary>> Update(UserAdminService users, string email, [FromBody] UserChange change, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await users.UpdateAsync(Actor.From(http.User), email, change, ct));
}
