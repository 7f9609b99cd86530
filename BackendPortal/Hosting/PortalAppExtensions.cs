using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Catalog;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Graph;
using BackendPortal.Features.Operations;
using BackendPortal.Features.People;
using BackendPortal.Features.Quality;
using BackendPortal.Features.Search;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Teams;
using BackendPortal.Features.Users;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Hosting;

public static class PortalAppExtensions
{
    public static WebApplication MapBackendPortal(this WebApplication app)
    {
        app.UsePortalProxySupport();
        app.UsePortalSecurityHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            CreateScopeForErrors = true,
            // A refused request is an answer, not a fault: keep the error log for real failures.
            SuppressDiagnosticsCallback = ctx => ctx.Exception is PortalException or BadHttpRequestException,
        });
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        // API callers get problem details for bare error statuses; browsers get the portal's not-found page.
        // The inner one answers API callers first (its body makes the outer one stand aside).
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseWhen(ctx => ApiConventions.IsApiRequest(ctx.Request), a => a.UseStatusCodePages());

        app.UseAuthentication();
        app.UsePortalRateLimits();
        app.UseAdminTwoFactorRequirement();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(RequireSignInUnlessStated);
        // Sign-out and passkey registration need a user; the passkey sign-in options say AllowAnonymous themselves.
        app.MapAdditionalIdentityEndpoints().RequireAuthorization();

        app.MapGet("/healthz", () => TypedResults.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", async (IDbContextFactory<AppDbContext> dbs, CancellationToken ct) =>
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            return await db.Database.CanConnectAsync(ct)
                ? Results.Text("ready")
                : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The database is not reachable.");
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Policies.Read);
        app.MapApiReference();

        var api = app.MapGroup("/api/v1")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(ApiConventions.MaxJsonBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapServicesApi();
        api.MapTeamsApi();
        api.MapUsersApi();
        api.MapAuditApi();
        api.MapSystemsApi();
        api.MapDatabasesApi();
        api.MapCatalogImportApi();
        api.MapPeopleApi();
        api.MapGraphApi();
        api.MapSearchApi();
        api.MapApisApi();
        api.MapQualityApi();
        api.MapOperationsApi();
        return app;
    }

    /// <summary>
    /// Pages name their own rule (a page without one fails the authorization matrix test). The
    /// framework's endpoints beside them (the _blazor hub, opaque redirects) get sign-in stated
    /// explicitly, the same rule the fallback policy would give them.
    /// </summary>
    private static void RequireSignInUnlessStated(EndpointBuilder endpoint)
    {
        var metadata = endpoint.Metadata;
        if (!metadata.OfType<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>().Any()
            && !metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any()
            && !metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
        {
            metadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute());
        }
    }
}
