using BackendPortal.Data;
using BackendPortal.Live;
using BackendPortal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;

namespace BackendPortal.Features.Operations;

public static class OperationsPolicies
{
    /// <summary>Report and work incidents: engineers, QA and admins (a token needs the write scope).</summary>
    public const string WorkIncidents = "work-incidents";

    /// <summary>Post deployments: CI with an ingest token, or engineers with a write token (the service checks the owner team).</summary>
    public const string PostDeployments = "post-deployments";
}

public static class OperationsRegistration
{
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section));
        services.Configure<AuthorizationOptions>(o =>
        {
            o.AddPolicy(OperationsPolicies.WorkIncidents, p => p.RequireRole(Roles.Admin, Roles.Engineer, Roles.QA).AddRequirements(new ScopeRequirement(TokenScopes.Write)));
            o.AddPolicy(OperationsPolicies.PostDeployments, p => p.RequireRole(Roles.Admin, Roles.Engineer, Roles.QA).RequireAssertion(ctx =>
                !ctx.User.HasClaim(c => c.Type == Actor.TokenIdClaim)
                || ctx.User.HasClaim(Actor.ScopeClaim, TokenScopes.Write)
                || ctx.User.HasClaim(Actor.ScopeClaim, TokenScopes.Ingest)));
        });
        services.AddSingleton<ILiveEvents, InProcessLiveEvents>();
        services.AddHttpClient(HealthProbe.ClientName)
            .ConfigurePrimaryHttpMessageHandler(HealthProbe.CreateHandler)
            // Four log calls and a scope per probe, thousands a minute, saying what the probe's own result says.
            .RemoveAllLoggers()
            .ConfigureHttpClient(c =>
            {
                // Each probe carries its own timeout; the client's would only cut long checks short.
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("BackendPortal-HealthCheck/1.0");
            });
        services.AddSingleton<HealthProbe>();
        // The host chooses where keys live (Hosting/DataProtectionExtensions); this only makes sure the protector resolves.
        services.AddDataProtection();
        services.AddSingleton<HeaderProtector>();
        services.AddScoped<IncidentsService>();
        services.AddSingleton<HealthMonitor>();
        services.AddSingleton<HealthResultBatcher>();
        services.AddSingleton<HealthProber>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthProber>());
        services.AddScoped<HealthChecksService>();
        services.AddScoped<DeploymentsService>();
        services.AddScoped<TimelineService>();
        services.AddScoped<ITimelineSource, HealthTimelineSource>();
        services.AddScoped<ITimelineSource, DeploymentTimelineSource>();
        services.AddScoped<ITimelineSource, IncidentTimelineSource>();
        services.AddScoped<ITimelineSource, TestRunTimelineSource>();
        services.AddScoped<ITimelineSource, LoadTestTimelineSource>();
        services.AddScoped<ITimelineSource, MigrationTimelineSource>();
        services.AddScoped<ITimelineSource, ApiVersionTimelineSource>();
        return services;
    }
}
