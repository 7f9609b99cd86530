using BackendPortal.Cli;
using BackendPortal.Data;
using BackendPortal.Features.Demo;
using BackendPortal.Features.Setup;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;

namespace BackendPortal.Hosting;

public static class PortalStartup
{
    /// <summary>Runs a command-line verb when one is given; otherwise prepares the database and serves.</summary>
    public static async Task<int> RunPortalAsync(this WebApplication app, string[] args)
    {
        if (PortalCommandLine.IsCommand(args))
        {
            return await PortalCommandLine.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
        }
        await PrepareDatabaseAsync(app.Services);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("BackendPortal.Setup");
            if (app.Configuration.GetValue<bool>("Demo:Seed"))
            {
                await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
            }
            var setupToken = await scope.ServiceProvider.GetRequiredService<SetupService>().IssueTokenIfNeededAsync();
            if (setupToken is not null)
            {
                app.Lifetime.ApplicationStarted.Register(() =>
                {
                    var address = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";
                    // The one secret allowed in the console: it is single-use and voided at the next start.
                    log.LogWarning("No users yet. Create the first admin at {SetupUrl} (this link works once; a new one is printed at each start until an admin exists).",
                        $"{address.TrimEnd('/')}/setup?token={setupToken}");
                });
            }
        }
        await app.RunAsync();
        return 0;
    }

    /// <summary>Migrations, then the reference data every install needs, in every environment.</summary>
    public static async Task PrepareDatabaseAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await DatabaseExtensions.MigrateAsync(services, ct);
        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
        await Features.People.PeopleReferenceData.SeedAsync(
            scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AppDbContext>>(), scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct);
    }
}
