using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Hosting;

public static class PortalAppExtensions
{
    public static WebApplication MapBackendPortal(this WebApplication app)
    {
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        // API callers get problem details for bare error statuses; browsers get the portal's not-found page.
        app.UseWhen(ctx => ApiConventions.IsApiRequest(ctx.Request), a => a.UseStatusCodePages());
        app.UseWhen(ctx => !ApiConventions.IsApiRequest(ctx.Request),
            a => a.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();

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
        return app;
    }
}
