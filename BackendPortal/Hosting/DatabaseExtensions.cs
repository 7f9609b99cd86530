using BackendPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Hosting;

public static class DatabaseExtensions
{
    public const string DefaultSqlite = "Data Source=data/portal.db";

    public static IServiceCollection AddPortalDatabase(this IServiceCollection services)
    {
        // Options are read when the first context is made, not here, so configuration added
        // after this call (WebApplicationFactory, command-line) still counts.
        services.AddDbContextFactory<SqliteAppDbContext>((sp, o) =>
            o.UseSqlite(SqliteConnectionString(sp), x => x.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName)));
        // No EnableRetryOnFailure: its retrying strategy refuses every user-started transaction unless the whole unit
        // runs inside CreateExecutionStrategy().Execute, and imports, ingests and catalog saves start their own.
        services.AddDbContextFactory<SqlServerAppDbContext>((sp, o) =>
            o.UseSqlServer(ConnectionString(sp.GetRequiredService<IConfiguration>())
                ?? throw new InvalidOperationException("Database:Provider is SqlServer but ConnectionStrings:Portal is empty. Set it in appsettings.json or ConnectionStrings__Portal.")));
        services.AddSingleton<IDbContextFactory<AppDbContext>>(sp => Provider(sp.GetRequiredService<IConfiguration>()) switch
        {
            DatabaseProvider.SqlServer => new PortalDbContextFactory<SqlServerAppDbContext>(sp.GetRequiredService<IDbContextFactory<SqlServerAppDbContext>>()),
            _ => new PortalDbContextFactory<SqliteAppDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteAppDbContext>>()),
        });
        // Identity's stores want a scoped context; it comes from the same factory.
        services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        return services;
    }

    public static DatabaseProvider Provider(IConfiguration config)
    {
        var value = config["Database:Provider"];
        if (string.IsNullOrWhiteSpace(value) || value.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Sqlite;
        }
        if (value.Equals("SqlServer", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.SqlServer;
        }
        throw new InvalidOperationException($"Database:Provider '{value}' is not supported; use Sqlite or SqlServer.");
    }

    private static string? ConnectionString(IConfiguration config) =>
        config.GetConnectionString("Portal") is { Length: > 0 } cs ? cs : null;

    /// <summary>A relative SQLite path is taken from the content root; its folder is created; waits on a busy file.</summary>
    private static string SqliteConnectionString(IServiceProvider sp)
    {
        var config = sp.GetRequiredService<IConfiguration>();
        var env = sp.GetRequiredService<IHostEnvironment>();
        var builder = new SqliteConnectionStringBuilder(ConnectionString(config) ?? DefaultSqlite);
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var path = Path.IsPathRooted(builder.DataSource) ? builder.DataSource : Path.Combine(env.ContentRootPath, builder.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            builder.DataSource = Path.GetFullPath(path);
        }
        if (builder.DefaultTimeout == 30)
        {
            builder.DefaultTimeout = 15;
        }
        return builder.ToString();
    }

    /// <summary>Creates or upgrades the schema, then switches SQLite to WAL so readers never block the writer.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }
}

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}
