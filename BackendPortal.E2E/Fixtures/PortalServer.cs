using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackendPortal.E2E.Fixtures;

/// <summary>
/// The real app on a real Kestrel port (browsers cannot reach the in-memory test server), with its
/// own SQLite file so a run starts from an empty portal, like a fresh install.
/// </summary>
public sealed class PortalServer : WebApplicationFactory<Program>
{
    private readonly string dataFolder = Directory.CreateTempSubdirectory("backendportal-e2e-").FullName;

    public PortalServer() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

    /// <summary>The app's log: the one-time setup URL it prints at start, and its warnings and errors.</summary>
    public ServerLog Log { get; } = new();

    /// <summary>The address Kestrel really bound (the port is chosen by the OS).</summary>
    public Uri RootUri { get; private set; } = default!;

    public void Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started but reported no address.");
        RootUri = new Uri(address.TrimEnd('/') + "/");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(dataFolder, "portal.db")}",
            ["Demo:Seed"] = "false",
            // A disabled user's open page must leave within seconds, not the production minute.
            ["Security:RevalidationInterval"] = "00:00:05",
            // Every browser signs in from 127.0.0.1.
            ["RateLimits:SignInPerIpPerMinute"] = "10000",
            // Health checks every second, so a status change reaches the open board within the test's wait.
            ["HealthChecks:MinIntervalSeconds"] = "1",
        }));
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp folder behind; it must not fail the run.
        }
    }
}
