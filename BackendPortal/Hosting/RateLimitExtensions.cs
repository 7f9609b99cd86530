namespace BackendPortal.Hosting;

public static class RateLimitExtensions
{
    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services) => services;

    public static WebApplication UsePortalRateLimits(this WebApplication app) => app;
}
