using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace BackendPortal.Features.Sessions;

/// <summary>
/// Ties the Identity cookie to a <see cref="UserSession"/> row: every browser sign-in (password,
/// 2FA, recovery code, passkey) starts one, every validation checks it, sign-out ends it.
/// </summary>
public static class SessionCookieEvents
{
    public const string ClaimType = "bp:sid";

    public static async Task SigningInAsync(CookieSigningInContext ctx)
    {
        if (ctx.Principal?.Identity is not ClaimsIdentity identity || identity.FindFirst(ClaimTypes.NameIdentifier)?.Value is not { } userId)
        {
            return;
        }
        var sessions = ctx.HttpContext.RequestServices.GetRequiredService<SessionService>();
        // RefreshSignInAsync (after a password or 2FA change) re-issues the cookie with its old
        // properties: it stays the same session. A new sign-in comes with fresh properties.
        var sessionId = ctx.Properties.GetString(ClaimType);
        if (sessionId is null || !await sessions.IsActiveAsync(userId, sessionId, touch: true, ctx.HttpContext.RequestAborted))
        {
            var request = ctx.HttpContext.Request;
            sessionId = await sessions.StartAsync(userId, ctx.HttpContext.Connection.RemoteIpAddress?.ToString(),
                request.Headers.UserAgent.ToString(), ctx.HttpContext.RequestAborted);
        }
        foreach (var old in identity.FindAll(ClaimType).ToList())
        {
            identity.RemoveClaim(old);
        }
        identity.AddClaim(new Claim(ClaimType, sessionId));
        ctx.Properties.SetString(ClaimType, sessionId);
    }

    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext ctx)
    {
        if (ctx.Principal is not { } principal)
        {
            return;
        }
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var sessionId = principal.FindFirstValue(ClaimType);
        var sessions = ctx.HttpContext.RequestServices.GetRequiredService<SessionService>();
        if (userId is null || sessionId is null || !await sessions.IsActiveAsync(userId, sessionId, touch: true, ctx.HttpContext.RequestAborted))
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }

    public static async Task SigningOutAsync(CookieSigningOutContext ctx)
    {
        var user = ctx.HttpContext.User;
        if (user.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId && user.FindFirstValue(ClaimType) is { } sessionId)
        {
            await ctx.HttpContext.RequestServices.GetRequiredService<SessionService>().EndAsync(userId, sessionId);
        }
    }

    /// <summary>The security stamp validator rebuilds the principal from the user; the session id must survive that.</summary>
    public static Task KeepSessionClaim(SecurityStampRefreshingPrincipalContext ctx)
    {
        if (ctx.CurrentPrincipal?.FindFirst(ClaimType) is { } claim && ctx.NewPrincipal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == ClaimType))
        {
            identity.AddClaim(new Claim(ClaimType, claim.Value));
        }
        return Task.CompletedTask;
    }

    /// <summary>For a live circuit: is the session its principal signed in with still open?</summary>
    public static async Task<bool> IsCircuitSessionActiveAsync(IServiceProvider services, ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var sessionId = principal.FindFirstValue(ClaimType);
        return userId is not null && sessionId is not null
            && await services.GetRequiredService<SessionService>().IsActiveAsync(userId, sessionId, touch: false, ct);
    }
}
