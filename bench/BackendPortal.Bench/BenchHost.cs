using System.Diagnostics;
using System.Net;
using BackendPortal.Data;
using BackendPortal.Features.Tokens;
using BackendPortal.Features.Users;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace BackendPortal.Bench;

/// <summary>
/// The real app on a real loopback port, in Production, on a fresh SQLite file; the server shares
/// this process, so its memory can be read directly.
/// </summary>
public sealed class BenchHost : WebApplicationFactory<Program>
{
    public const int TeamCount = 200;
    public const int ServiceCount = 10_000;
    // A fresh password per run for throwaway accounts in a temp database; never a fixed secret.
    public static readonly string Password = "bench-" + Guid.NewGuid().ToString("N");

    private readonly DirectoryInfo dataDir = Directory.CreateTempSubdirectory("portal-bench-");

    public BenchHost()
    {
        // WebApplicationFactory finds the app's content root through MvcTestingAppManifest.json in the
        // current directory; `dotnet run` keeps the caller's directory, so point it at the build output.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public string DatabasePath => Path.Combine(dataDir.FullName, "portal.db");

    public Uri Address { get; private set; } = null!;

    public QueryCounter Queries { get; } = new();

    public CircuitCounter Circuits { get; } = new();

    public Dataset Dataset { get; } = Dataset.Generate(TeamCount, ServiceCount, seed: 42);

    public string ReadToken { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={DatabasePath}");
        builder.UseSetting("Demo:Seed", "false");
        // One token sends every request as fast as the server answers; the per-token limit is not what is measured.
        builder.UseSetting("RateLimits:ApiPerTokenPerMinute", "1000000");
        // Sign-in timings post the form many times from one address.
        builder.UseSetting("RateLimits:SignInPerIpPerMinute", "1000000");
        // Production reads static assets from a publish folder; this build has a manifest instead.
        builder.UseStaticWebAssets();
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(Circuits);
            services.AddScoped<CircuitHandler, CircuitCounter.Handler>();
            services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, NoopEndpoint>();
        });
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddSimpleConsole(o => o.SingleLine = true);
            logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
            // The startup line about the setup link is expected here: the bench makes its users itself.
            logging.AddFilter<ConsoleLoggerProvider>("BackendPortal.Setup", LogLevel.Error);
        });
    }

    public async Task StartAndSeedAsync(BenchReport report)
    {
        var sw = Stopwatch.StartNew();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.First());
        report.Add("Server", $"{Address} (in-process Kestrel, Production, SQLite file in {dataDir.FullName})");
        Console.WriteLine($"Server up at {Address} in {sw.ElapsedMilliseconds} ms");

        sw.Restart();
        var factory = Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await Dataset.InsertAsync(factory);
        await using (var db = await factory.CreateDbContextAsync())
        {
            // Fold the WAL into the main file so the size below is the database's.
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            var services = await db.Services.CountAsync();
            var teams = await db.Teams.CountAsync();
            report.Add("Dataset", $"{services:N0} services across {teams} teams (team sizes {Dataset.SmallestTeam}–{Dataset.LargestTeam}), seeded in {sw.Elapsed.TotalSeconds:F1} s");
        }
        report.Add("SQLite file", $"{new FileInfo(DatabasePath).Length / 1024.0 / 1024.0:F1} MiB");
        Console.WriteLine($"Seeded {ServiceCount:N0} services in {sw.ElapsedMilliseconds} ms");

        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccountService>();
        var admin = await accounts.CreateAsync("bench-admin@example.com", "Bench Admin", [Roles.Admin], Password, "bench");
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(admin.Id, "bench", ["read"], 30);
        ReadToken = token.Token;
    }

    public async Task<string> CreateViewerAsync(string email = "bench-viewer@example.com")
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UserAccountService>().CreateAsync(email, "Bench Viewer", [Roles.Viewer], Password, "bench");
        return email;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Queries.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Environment.GetEnvironmentVariable("PORTAL_BENCH_KEEP_DB") == "1")
        {
            Console.WriteLine($"Kept the database: {DatabasePath}");
        }
        else
        {
            try
            {
                dataDir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
        GC.SuppressFinalize(this);
    }
}
