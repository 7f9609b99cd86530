namespace BackendPortal.Features.Graph;

public static class GraphRegistration
{
    public static IServiceCollection AddGraph(this IServiceCollection services)
    {
        services.AddSingleton<GraphSnapshotCache>();
        services.AddScoped<GraphService>();
        return services;
    }
}
