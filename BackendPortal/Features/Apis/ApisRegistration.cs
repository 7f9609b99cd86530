namespace BackendPortal.Features.Apis;

public static class ApisRegistration
{
    public static IServiceCollection AddApis(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ApiIndexCache>();
        services.Configure<ApiOptions>(configuration.GetSection("Apis"));
        services.AddScoped<ApiCatalogService>();
        services.AddScoped<ApiSpecService>();
        return services;
    }

    public static IEndpointRouteBuilder MapApisApi(this IEndpointRouteBuilder api) => api.MapApisEndpoints();
}
