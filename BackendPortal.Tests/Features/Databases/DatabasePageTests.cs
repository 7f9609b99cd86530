using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Security;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Databases;

public class DatabasePageTests : PortalTestContext
{
    private DatabaseCatalogService Databases => Services.GetRequiredService<DatabaseCatalogService>();

    private DatabaseOperationsService Operations => Services.GetRequiredService<DatabaseOperationsService>();

    private static readonly Actor Ci = new("ci", "ci", new HashSet<string> { Roles.QA }, new HashSet<string> { TokenScopes.Ingest });

    private async Task<DatabaseDetails> OrdersDbAsync(long? capacity = null, int? frequencyHours = null)
    {
        await CreateTeamAsync("orders", "Orders");
        return await Databases.CreateAsync(Actor.System, new DatabaseInput
        {
            Slug = "orders-db",
            Name = "Orders DB",
            Owner = "orders",
            Engine = "postgresql",
            EngineVersion = "16",
            Environment = "production",
            Host = "orders-db.internal:5432",
            CapacityBytes = capacity,
            BackupPolicy = new BackupPolicy(frequencyHours, 15, 60),
        });
    }

    [Fact]
    public async Task The_page_shows_the_facts_and_the_services_that_use_it()
    {
        await OrdersDbAsync();
        await CreateServiceAsync("orders-api", "Orders API", "orders");
        var update = ServiceInput.From(await Catalog.GetAsync("orders-api"));
        update.Databases = ["orders-db"];
        await Catalog.UpdateAsync(Actor.System, "orders-api", update, null);
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<DatabaseDetailPage>(p => p.Add(x => x.Slug, "orders-db"));

        cut.WaitForAssertion(() => Assert.Equal("Orders DB", cut.Find("h1").TextContent.Trim()));
        Assert.Contains("PostgreSQL 16", cut.Markup);
        Assert.Contains("orders-db.internal:5432", cut.Markup);
        Assert.NotNull(cut.Find("[data-testid=used-by] a[href='/services/orders-api']"));
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Edit");
    }

    [Fact]
    public async Task The_ledger_section_lists_environments_and_says_which_is_behind()
    {
        await OrdersDbAsync();
        var at = DateTime.UtcNow.AddDays(-3);
        await Operations.RecordMigrationAsync(Ci, "orders-db", new MigrationInput { Id = "001_init", Environment = "staging", AppliedAt = at });
        await Operations.RecordMigrationAsync(Ci, "orders-db", new MigrationInput { Id = "002_index", Environment = "staging", AppliedAt = at.AddHours(1) });
        await Operations.RecordMigrationAsync(Ci, "orders-db", new MigrationInput { Id = "001_init", Environment = "production", AppliedAt = at.AddHours(2) });

        var cut = Render<DatabaseMigrationsSection>(p => p.Add(x => x.Slug, "orders-db"));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=behind-production]")));
        Assert.Contains("002_index", cut.Find("[data-testid=behind-production]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=behind-staging]"));
        Assert.Contains("002_index", cut.Find("[data-testid=ledger-staging]").TextContent);
    }

    [Fact]
    public async Task The_size_section_shows_the_forecast_or_not_growing()
    {
        await OrdersDbAsync(capacity: 1000);
        var now = DateTime.UtcNow;
        for (var i = 0; i < 4; i++)
        {
            await Operations.RecordSizeAsync(Ci, "orders-db", new SizeInput { Bytes = 500, At = now.AddDays(i - 5) });
        }

        var cut = Render<DatabaseSizeSection>(p => p.Add(x => x.Slug, "orders-db"));

        cut.WaitForAssertion(() => Assert.Contains("Not growing", cut.Find("[data-testid=forecast]").TextContent));
    }

    [Fact]
    public async Task The_slow_query_section_ranks_normalised_statements()
    {
        await OrdersDbAsync();
        await Operations.RecordSlowQueriesAsync(Ci, "orders-db",
        [
            new SlowQueryInput { Query = "SELECT * FROM orders WHERE id = 1", Calls = 10, MeanMs = 100 },
            new SlowQueryInput { Query = "select * from carts where id = 'x'", Calls = 1, MeanMs = 5 },
        ], null);

        var cut = Render<DatabaseSlowQueriesSection>(p => p.Add(x => x.Slug, "orders-db"));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=slow-queries] tbody tr").Count));
        Assert.Equal("SELECT * FROM orders WHERE id = ?", cut.FindAll("code.slow-query")[0].TextContent);
    }

    [Fact]
    public async Task The_backup_section_warns_when_the_last_verified_backup_is_too_old()
    {
        await OrdersDbAsync(frequencyHours: 24);
        await Operations.RecordBackupAsync(Ci, "orders-db", new BackupInput { At = DateTime.UtcNow.AddDays(-3), Verified = true });

        var cut = Render<DatabaseBackupsSection>(p => p.Add(x => x.Slug, "orders-db"));

        cut.WaitForAssertion(() => Assert.Contains("3 days", cut.Find("[data-testid=backup-warning]").TextContent));

        var home = Render<OverdueBackupsCard>();
        home.WaitForAssertion(() => Assert.Contains("Orders DB", home.Find("[data-testid=overdue-backups]").TextContent));

        await Operations.RecordBackupAsync(Ci, "orders-db", new BackupInput { At = DateTime.UtcNow.AddHours(-1), Verified = true });
        var fresh = Render<DatabaseBackupsSection>(p => p.Add(x => x.Slug, "orders-db"));
        fresh.WaitForAssertion(() => Assert.NotNull(fresh.Find("[data-testid=backup-ok]")));
        Assert.Empty(Render<OverdueBackupsCard>().FindAll("[data-testid=overdue-backups]"));
    }
}
