using BackendPortal.Components.Account;
using BackendPortal.Data;
using BackendPortal.Features.Sessions;
using BackendPortal.Features.Tokens;
using BackendPortal.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace BackendPortal.Hosting;

public static class IdentityExtensions
{
    public const string SmartScheme = "CookieOrBearer";

    public static IServiceCollection AddPortalIdentity(this IServiceCollection services, IConfiguration config)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie or bearer token", o =>
                o.ForwardDefaultSelector = ctx =>
                    ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? TokenAuthenticationHandler.SchemeName
                        : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "BackendPortal.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Events = new CookieAuthenticationEvents
            {
                // The API answers with status codes, never with a redirect to an HTML page.
                OnRedirectToLogin = ctx => ApiOrRedirect(ctx, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = ctx => ApiOrRedirect(ctx, StatusCodes.Status403Forbidden),
                OnSigningIn = SessionCookieEvents.SigningInAsync,
                OnSigningOut = SessionCookieEvents.SigningOutAsync,
                OnValidatePrincipal = async ctx =>
                {
                    await SessionCookieEvents.ValidatePrincipalAsync(ctx);
                    // Replacing Events drops Identity's own validator; keep the security stamp check.
                    if (ctx.Principal is not null)
                    {
                        await SecurityStampValidator.ValidatePrincipalAsync(ctx);
                    }
                },
            };
        });
        // The session row is the authority on idle time (circuits keep it fresh without HTTP requests),
        // so the cookie itself only needs to outlive the absolute lifetime.
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<SecurityOptions>>((o, s) =>
            {
                o.SlidingExpiration = false;
                o.ExpireTimeSpan = s.Value.AbsoluteSessionLifetime;
            });
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<SecurityOptions>>((o, s) =>
            {
                o.ValidationInterval = s.Value.RevalidationInterval;
                o.OnRefreshingPrincipal = SessionCookieEvents.KeepSessionClaim;
            });

        services.AddIdentityCore<ApplicationUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.SignIn.RequireConfirmedEmail = false;
                o.User.RequireUniqueEmail = true;
                ConfigureStores(o);
                // NIST 800-63B / ASVS: length over composition rules.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<BackendPortal.Features.Users.PortalSignInManager>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<CommonPasswordValidator>()
            // Replaces the framework's authenticator provider (same name): codes work once, one step of drift.
            .AddTokenProvider<TotpAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        services.AddPortalCookieHardening();
        // Set-password links an admin hands out are password-reset tokens: they live a day and work once.
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromHours(24));
        // OWASP's 2023 figure for PBKDF2-HMAC-SHA256; older hashes are upgraded at the next sign-in.
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = Math.Max(210_000, config.GetValue("Security:PasswordHashIterations", 210_000)));

        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        services.AddAuthorizationBuilder()
            .AddPortalPolicies()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>The settings that shape Identity's tables; migrations are generated with the same ones.</summary>
    public static void ConfigureStores(IdentityOptions o) => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;

    private static Task ApiOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ApiConventions.IsApiRequest(ctx.Request))
        {
            ctx.Response.StatusCode = status;
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }
        return Task.CompletedTask;
    }
}

public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>How often a live circuit and a cookie re-check the user's security stamp.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A browser session without activity for this long ends.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A browser session ends this long after sign-in, however active.</summary>
    public TimeSpan AbsoluteSessionLifetime { get; set; } = TimeSpan.FromHours(12);
}
