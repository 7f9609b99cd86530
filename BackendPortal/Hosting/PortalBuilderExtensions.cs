using BackendPortal.Features.Apis;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Catalog;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Demo;
using BackendPortal.Features.Graph;
using BackendPortal.Features.Operations;
using BackendPortal.Features.People;
using BackendPortal.Features.Profile;
using BackendPortal.Features.Quality;
using BackendPortal.Features.Search;
using BackendPortal.Features.Services;
using BackendPortal.Features.Sessions;
using BackendPortal.Features.Setup;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Teams;
using BackendPortal.Features.Tokens;
using BackendPortal.Features.Users;
using Microsoft.AspNetCore.Http.Features;
using MudBlazor.Services;

namespace BackendPortal.Hosting;

public static class PortalBuilderExtensions
{
    public static WebApplicationBuilder AddBackendPortal(this WebApplicationBuilder builder, string[]? args = null)
    {
        builder.AddOperatorConfiguration();
        if (args is not null && Cli.PortalCommandLine.IsCommand(args))
        {
            // A verb's standard output belongs to its result (a token on the last line); logs go to stderr.
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }
        var services = builder.Services;

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton(TimeProvider.System);

        services.AddPortalDatabase();
        services.AddPortalDataProtection();
        services.AddPortalIdentity(builder.Configuration);

        services.AddProblemDetails();
        services.AddExceptionHandler<PortalExceptionHandler>();
        // Unreadable JSON reaches PortalExceptionHandler, which names the problem (and its line and position) in every environment.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "BackendPortal API";
            doc.Info.Description = "Authenticate with a personal access token: `Authorization: Bearer bp_...`. Errors are RFC 9457 problem details.";
            return Task.CompletedTask;
        }));
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = 64 * 1024 * 1024);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = 64 * 1024 * 1024);

        services.AddScoped<ServiceCatalogService>();
        services.AddScoped<TeamService>();
        services.AddScoped<TokenService>();
        services.AddScoped<UserAccountService>();
        services.AddScoped<SetupService>();
        services.AddScoped<ProfileService>();
        services.AddScoped<DemoSeeder>();

        services.AddPortalProxySupport(builder.Configuration);
        services.AddPortalRateLimits();
        services.AddAudit();
        services.AddUserAdministration();
        services.AddSessions();
        services.AddSystems();
        services.AddDatabases();
        services.AddCatalogImport();
        services.AddPeople();
        services.AddGraph();
        services.AddSearch();
        services.AddApis(builder.Configuration);
        services.AddQuality();
        services.AddOperations(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The repository-root appsettings.json is the operator's file. It is copied beside the binary,
    /// so a run from any folder (or a published folder) still finds it; the usual environment
    /// variables and command-line arguments still override it.
    /// </summary>
    private static void AddOperatorConfiguration(this WebApplicationBuilder builder)
    {
        var inContentRoot = Path.Combine(builder.Environment.ContentRootPath, "appsettings.json");
        var besideBinary = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(inContentRoot) && File.Exists(besideBinary))
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = "appsettings.json",
                Optional = true,
                ReloadOnChange = false,
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
            });
        }
    }
}
