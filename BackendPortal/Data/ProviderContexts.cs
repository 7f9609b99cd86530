using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BackendPortal.Data;

// One migration set per provider (EF Core docs, "Migrations with multiple providers"): each
// provider gets its own context type so its migrations live apart, under Migrations/<Provider>.
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options);

public sealed class SqlServerAppDbContext(DbContextOptions<SqlServerAppDbContext> options) : AppDbContext(options);

/// <summary>Hands out the provider's context as the common type; callers never see which one.</summary>
public sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AppDbContext>
    where TContext : AppDbContext
{
    public AppDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<AppDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}

// `dotnet ef` builds these without the app's host. Identity shapes its tables from IdentityOptions
// (schema version 3 adds passkeys), so they get the same options the app uses.
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite("Data Source=design.db")
            .UseApplicationServiceProvider(DesignTimeServices.Instance)
            .Options);
}

public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerAppDbContext>
{
    public SqlServerAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer("Server=design;Database=design;Trusted_Connection=True")
            .UseApplicationServiceProvider(DesignTimeServices.Instance)
            .Options);
}

public static class DesignTimeServices
{
    public static IServiceProvider Instance { get; } = new ServiceCollection()
        .Configure<Microsoft.AspNetCore.Identity.IdentityOptions>(Hosting.IdentityExtensions.ConfigureStores)
        .BuildServiceProvider();
}
