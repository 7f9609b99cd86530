using BackendPortal.Hosting;
using BackendPortal.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BackendPortal.Data;

public sealed class MigrationTests
{
    private static IReadOnlyList<string> Tables(AppDbContext db) =>
        [.. db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Order()];

    /// <summary>The app's own database wiring with the given settings (no server, nothing connects).</summary>
    private static ServiceProvider AppDatabase(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IHostEnvironment>(new TestEnvironment());
        services.Configure<Microsoft.AspNetCore.Identity.IdentityOptions>(IdentityExtensions.ConfigureStores);
        services.AddPortalDatabase();
        return services.BuildServiceProvider();
    }

    /// <summary>The SQL Server path as configured, with a server that never answers: nothing here opens a connection.</summary>
    private static ServiceProvider SqlServerDatabase() => AppDatabase(new()
    {
        ["Database:Provider"] = "SqlServer",
        ["ConnectionStrings:Portal"] = "Server=nowhere.invalid;Database=portal;User Id=x;Password=y;TrustServerCertificate=True",
    });

    [Fact]
    public async Task The_sql_server_context_allows_the_transactions_the_app_starts_itself()
    {
        await using var provider = SqlServerDatabase();
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

        // A retrying strategy throws on BeginTransaction outside CreateExecutionStrategy().Execute, which several
        // services (imports, test-run ingest, catalog saves) call directly.
        Assert.False(db.Database.CreateExecutionStrategy().RetriesOnFailure);
    }

    [Fact]
    public async Task The_sql_server_migration_script_creates_every_table_of_the_model()
    {
        await using var provider = SqlServerDatabase();
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.IsType<SqlServerAppDbContext>(db);
        Assert.True(db.Database.IsSqlServer());

        var tables = Tables(db);
        Assert.Contains("Services", tables);
        Assert.Contains("AspNetUsers", tables);
        Assert.Contains("AspNetUserPasskeys", tables);
        var create = db.Database.GenerateCreateScript();
        var migrations = db.GetService<IMigrator>().GenerateScript();
        foreach (var table in tables)
        {
            Assert.True(create.Contains($"CREATE TABLE [{table}]", StringComparison.Ordinal), $"create script lacks {table}");
            Assert.True(migrations.Contains($"CREATE TABLE [{table}]", StringComparison.Ordinal), $"SQL Server migrations lack {table}");
        }
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.All(db.Database.GetMigrations(), m => Assert.Contains(m, migrations));
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed since the last SQL Server migration: add one");
    }

    [Fact]
    public async Task The_design_time_factories_build_each_provider_with_the_apps_model()
    {
        await using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);
        await using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.Equal(Tables(sqlServer), Tables(sqlite));
        Assert.False(sqlite.Database.HasPendingModelChanges(), "the model changed since the last SQLite migration: add one");
        var script = sqlite.GetService<IMigrator>().GenerateScript();
        foreach (var table in Tables(sqlite))
        {
            Assert.Contains($"CREATE TABLE \"{table}\"", script);
        }
    }

    [Fact]
    public async Task An_unknown_provider_fails_with_a_clear_message()
    {
        await using var provider = AppDatabase(new() { ["Database:Provider"] = "Bogus" });
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IDbContextFactory<AppDbContext>>());
        Assert.Contains("Database:Provider 'Bogus' is not supported; use Sqlite or SqlServer", error.Message);
    }

    [Fact]
    public async Task Sql_server_without_a_connection_string_says_which_setting_to_set()
    {
        await using var provider = AppDatabase(new() { ["Database:Provider"] = "SqlServer" });
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        Assert.Contains("ConnectionStrings__Portal", error.Message);
    }

    [Fact]
    public async Task Sqlite_migrations_create_every_table_in_a_wal_file()
    {
        await using var factory = new PortalFactory();
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.IsType<SqliteAppDbContext>(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());

        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        var existing = new HashSet<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                existing.Add(reader.GetString(0));
            }
        }
        foreach (var table in Tables(db))
        {
            Assert.True(existing.Contains(table), $"SQLite file lacks {table}");
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        }

        // Reference data is seeded on every fresh database.
        var roles = await db.Roles.Select(r => r.Name).ToListAsync();
        Assert.Equal(Roles.All.Order(), roles.Order());
    }

    [Fact]
    public async Task Every_sqlite_connection_the_app_opens_commits_with_synchronous_normal()
    {
        await using var factory = new PortalFactory();
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        // Twice: the second context gets the pooled connection the first one tuned.
        for (var i = 0; i < 2; i++)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA synchronous";
            // 1 = NORMAL (SQLite's default is 2 = FULL).
            Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
        }
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "BackendPortal";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
