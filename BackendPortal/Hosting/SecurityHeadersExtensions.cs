using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components;

namespace BackendPortal.Hosting;

/// <summary>Browser hardening: Content-Security-Policy and friends on every response, and cookie flags.</summary>
public static class SecurityHeadersExtensions
{
    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), " +
        "microphone=(), midi=(), payment=(), usb=()";

    // The import map is the same object for every request to the same endpoints; hash it once.
    private static readonly ConditionalWeakTable<ImportMapDefinition, string> ImportMapHashes = [];

    /// <summary>Content-Security-Policy and the other browser-hardening headers on every response.</summary>
    public static WebApplication UsePortalSecurityHeaders(this WebApplication app)
    {
        app.Use((ctx, next) =>
        {
            // Set when the response starts, not now: the exception handler clears headers before it re-executes.
            ctx.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(http);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = PermissionsPolicy;
                headers.XFrameOptions = "DENY";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            }, ctx);
            return next(ctx);
        });
        return app;
    }

    /// <summary>
    /// The one policy for pages, the API and Swagger UI (which, since Swashbuckle 7, has no inline
    /// script). Scripts: same origin, plus the hash of the framework's inline import map on pages
    /// that render one. See docs/decisions/0005-content-security-policy.md.
    /// </summary>
    public static string ContentSecurityPolicy(HttpContext http)
    {
        var scripts = "'self'";
        if (http.GetEndpoint()?.Metadata.GetMetadata<ImportMapDefinition>() is { } importMap)
        {
            scripts += " '" + ImportMapHashes.GetValue(importMap, static m => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.ToString())))) + "'";
        }
        return "default-src 'self'; " +
            $"script-src {scripts}; " +
            "style-src 'self' 'unsafe-inline'; " +
            "img-src 'self' data:; " +
            "font-src 'self'; " +
            "connect-src 'self'; " +
            "object-src 'none'; " +
            "frame-ancestors 'none'; " +
            "base-uri 'self'; " +
            "form-action 'self'";
    }

    /// <summary>Every cookie the portal sets: HttpOnly, Secure over HTTPS, SameSite Lax or stricter.</summary>
    public static IServiceCollection AddPortalCookieHardening(this IServiceCollection services)
    {
        services.PostConfigureAll<CookieAuthenticationOptions>(o => Harden(o.Cookie));
        services.PostConfigure<AntiforgeryOptions>(o => Harden(o.Cookie));
        return services;
    }

    private static void Harden(CookieBuilder cookie)
    {
        cookie.HttpOnly = true;
        if (cookie.SecurePolicy == CookieSecurePolicy.None)
        {
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }
        if (cookie.SameSite is SameSiteMode.None or SameSiteMode.Unspecified)
        {
            cookie.SameSite = SameSiteMode.Lax;
        }
    }
}
