namespace BackendPortal.Features.Quality;

public static class QualityRegistration
{
    public static IServiceCollection AddQuality(this IServiceCollection services)
    {
        services.AddOptions<QualityOptions>().BindConfiguration(QualityOptions.Section);
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<IdempotencyKeys>();
        services.AddScoped<FlakyTestService>();
        services.AddScoped<LoadTestService>();
        services.AddScoped<QualityService>();
        services.AddScoped<TestRunIngestService>();
        return services;
    }
}
