using System.Security.Claims;
using BackendPortal.Data;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Security;

/// <summary>
/// Security:RequireTwoFactorForAdmins (default on in Production): an admin without an authenticator
/// app is sent to set one up before any other page. Page requests are checked here; navigation
/// inside a live circuit is checked by the AdminTwoFactorGuard component.
/// </summary>
public static class AdminTwoFactorRequirement
{
    public const string Setting = "Security:RequireTwoFactorForAdmins";
    public const string SetupPath = "/Account/Manage/EnableAuthenticator";
    public const string SetupUrl = SetupPath + "?required=admin";

    public static bool IsRequired(IConfiguration config, IHostEnvironment env) =>
        config.GetValue<bool?>(Setting) ?? env.IsProduction();

    /// <summary>True when this signed-in browser user is an admin who must set up 2FA first.</summary>
    public static async Task<bool> MustSetUpAsync(ClaimsPrincipal user, IServiceProvider services)
    {
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(Roles.Admin) || user.HasClaim(c => c.Type == Actor.TokenIdClaim)
            || !IsRequired(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IHostEnvironment>()))
        {
            return false;
        }
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return !await db.Users.AnyAsync(u => u.Id == id && u.TwoFactorEnabled);
    }

    public static WebApplication UseAdminTwoFactorRequirement(this WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            if (HttpMethods.IsGet(ctx.Request.Method)
                && ctx.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                && !ctx.Request.Path.StartsWithSegments("/Account")
                && await MustSetUpAsync(ctx.User, ctx.RequestServices))
            {
                ctx.Response.Redirect(SetupUrl);
                return;
            }
            await next(ctx);
        });
        return app;
    }
}
