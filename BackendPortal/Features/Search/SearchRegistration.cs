namespace BackendPortal.Features.Search;

public static class SearchRegistration
{
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddScoped<SearchService>();
        services.AddHostedService<SearchIndexStartup>();
        return services;
    }
}

/// <summary>An empty index over an existing catalog (an upgrade, a restored backup) is rebuilt once the app starts.</summary>
public sealed class SearchIndexStartup(IServiceScopeFactory scopes, ILogger<SearchIndexStartup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<SearchService>().ReindexIfEmptyAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Could not rebuild the search index at startup; search answers from what is indexed.");
        }
    }
}
