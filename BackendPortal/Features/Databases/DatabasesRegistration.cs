using BackendPortal.Data;
using BackendPortal.Security;

namespace BackendPortal.Features.Databases;

public static class DatabasesRegistration
{
    /// <summary>
    /// Posting database data: CI (Admin or QA with the ingest scope) for any database, and Engineers
    /// with the ingest scope for their own teams' databases (the service checks the team).
    /// </summary>
    public const string IngestPolicy = "database-ingest";

    public static IServiceCollection AddDatabases(this IServiceCollection services)
    {
        services.AddScoped<DatabaseCatalogService>();
        services.AddScoped<DatabaseOperationsService>();
        services.AddAuthorizationBuilder().AddPolicy(IngestPolicy, p => p
            .RequireRole(Roles.Admin, Roles.QA, Roles.Engineer)
            .AddRequirements(new ScopeRequirement(TokenScopes.Ingest)));
        return services;
    }
}
