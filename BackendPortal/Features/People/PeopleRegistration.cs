namespace BackendPortal.Features.People;

public static class PeopleRegistration
{
    public static IServiceCollection AddPeople(this IServiceCollection services)
    {
        services.AddScoped<PeopleService>();
        services.AddScoped<SkillCatalogService>();
        services.AddScoped<SkillInsightsService>();
        services.AddSingleton<BusFactorRiskCache>();
        return services;
    }

    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder api) => api.MapPeopleEndpoints();
}
