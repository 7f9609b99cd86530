using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BackendPortal.Features.Audit;

public static class AuditRegistration
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddOptions<AuditOptions>();
        services.AddScoped<AuditContext>();
        services.AddScoped<AuditService>();
        services.AddScoped<SignInAuditor>();
        services.AddScoped<CircuitHandler, AuditCircuitHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessDeniedAuditor>();
        return services;
    }

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder api) => api.MapAuditEndpoints();
}
