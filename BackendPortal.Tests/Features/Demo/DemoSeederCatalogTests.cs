using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Demo;

public sealed class DemoSeederCatalogTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Demo_data_has_systems_databases_with_operations_data_and_relations()
    {
        Assert.True(await factory.WithServiceAsync<DemoSeeder, bool>(s => s.SeedIfEmptyAsync()));

        Assert.Equal(3, await factory.WithDbAsync(db => db.Systems.CountAsync()));
        Assert.Equal(5, await factory.WithDbAsync(db => db.Databases.CountAsync()));
        var overdue = await factory.WithServiceAsync<DatabaseOperationsService, IReadOnlyList<OverdueBackup>>(s => s.OverdueBackupsAsync());
        Assert.Equal("payments-db", Assert.Single(overdue).Slug);
        var ledger = await factory.WithServiceAsync<DatabaseOperationsService, MigrationLedger>(s => s.LedgerAsync("orders-db"));
        Assert.True(ledger.Environments.Single(e => e.Environment == "production").IsBehind);
        var top = await factory.WithServiceAsync<DatabaseOperationsService, IReadOnlyList<SlowQueryOffender>>(s => s.TopOffendersAsync("orders-db"));
        Assert.Equal("rising", top[0].Trend);
        var size = await factory.WithServiceAsync<DatabaseOperationsService, SizeHistory>(s => s.SizeHistoryAsync("orders-db"));
        Assert.NotNull(size.Forecast.FullAt);
        var orders = await factory.WithServiceAsync<ServiceCatalogService, ServiceDetails>(s => s.GetAsync("orders-api"));
        Assert.Equal("checkout", orders.System);
        Assert.Contains("payments-api", orders.DependsOn);
        Assert.Contains("orders-db", orders.Databases);
    }
}
