namespace BackendPortal.Features.Audit;

public static class AuditRegistration
{
    public static IServiceCollection AddAudit(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder api) => api;
}
