using System.Net;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Integration;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariableCollection
{
    public const string Name = "process environment";
}

/// <summary>Standard ASP.NET Core overrides: environment variables beat appsettings.json. Runs alone (it sets process variables).</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class ConfigurationTests
{
    [Fact]
    public async Task ConnectionStrings__Portal_and_Database__Provider_from_the_environment_are_used()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bp-tests", Guid.NewGuid().ToString("N"));
        var file = Path.Combine(folder, "from-env.db");
        Environment.SetEnvironmentVariable("ConnectionStrings__Portal", $"Data Source={file}");
        Environment.SetEnvironmentVariable("Database__Provider", "sqlite");
        try
        {
            await using var factory = new PortalFactory();
            factory.WithoutSetting("ConnectionStrings:Portal").WithoutSetting("Database:Provider");
            var config = factory.Services.GetRequiredService<IConfiguration>();
            Assert.Equal($"Data Source={file}", config.GetConnectionString("Portal"));
            Assert.Equal(HttpStatusCode.OK, (await factory.AnonymousClient().GetAsync("/readyz")).StatusCode);
            Assert.True(File.Exists(file), "the app did not create the database named by ConnectionStrings__Portal");
            Assert.False(File.Exists(factory.DatabasePath));
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            Assert.Equal(Path.GetFullPath(file), db.Database.GetDbConnection().DataSource);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__Portal", null);
            Environment.SetEnvironmentVariable("Database__Provider", null);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task An_unknown_Database__Provider_stops_the_start_with_a_clear_message()
    {
        Environment.SetEnvironmentVariable("Database__Provider", "Bogus");
        try
        {
            await using var factory = new PortalFactory();
            factory.WithoutSetting("Database:Provider");
            var error = Record.Exception(() => factory.Services);
            Assert.NotNull(error);
            var messages = string.Join("\n", Flatten(error));
            Assert.Contains("Database:Provider 'Bogus' is not supported; use Sqlite or SqlServer.", messages);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Database__Provider", null);
        }
    }

    [Fact]
    public async Task The_operators_appsettings_json_is_loaded()
    {
        await using var factory = new PortalFactory();
        var config = factory.Services.GetRequiredService<IConfiguration>();
        // Keys that only the root appsettings.json sets.
        Assert.Equal("*", config["AllowedHosts"]);
        Assert.Equal("false", config["Demo:Seed"]);
        Assert.Equal("Warning", config["Logging:LogLevel:Microsoft.EntityFrameworkCore"]);
    }

    private static IEnumerable<string> Flatten(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e.Message;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
