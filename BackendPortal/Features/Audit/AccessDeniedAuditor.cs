using BackendPortal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace BackendPortal.Features.Audit;

/// <summary>
/// Records every request the authorization middleware refuses to a signed-in caller (a 403 for the
/// API, the redirect to the access-denied page for a browser), then lets the default handler answer.
/// Pages refused inside a live circuit never reach the middleware; <c>Forbidden</c> records those.
/// </summary>
public sealed class AccessDeniedAuditor(ILogger<AccessDeniedAuditor> log) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true)
        {
            try
            {
                var audit = context.RequestServices.GetRequiredService<AuditService>();
                var actor = Actor.From(context.User);
                await audit.RecordAsync(AuditActions.AccessDenied, actor,
                    $"{context.Request.Method} {context.Request.Path} refused: {Describe(context, policy)}",
                    "route", context.Request.Path.Value, context.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The refusal stands whether or not it could be recorded.
                log.LogError(e, "Could not record the refusal of {Method} {Path}", context.Request.Method, context.Request.Path);
            }
        }
        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }

    private static string Describe(HttpContext context, AuthorizationPolicy policy)
    {
        var named = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(a => a.Policy ?? (a.Roles is { } roles ? "roles " + roles : null))
            .OfType<string>()
            .Distinct()
            .ToList();
        if (named is { Count: > 0 })
        {
            return "policy " + string.Join(", ", named);
        }
        var roles = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
            .SelectMany(r => r.AllowedRoles);
        return "requires " + string.Join(", ", roles.DefaultIfEmpty("a signed-in user"));
    }
}
