namespace BackendPortal.Features.Systems;

public static class SystemsRegistration
{
    public static IServiceCollection AddSystems(this IServiceCollection services) => services.AddScoped<SystemCatalogService>();
}
