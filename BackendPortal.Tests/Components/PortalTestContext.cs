using System.Security.Claims;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Catalog;
using BackendPortal.Features.Operations;
using BackendPortal.Features.People;
using BackendPortal.Features.Profile;
using BackendPortal.Features.Services;
using BackendPortal.Features.Sessions;
using BackendPortal.Features.Teams;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using MudBlazor;
using MudBlazor.Services;

namespace BackendPortal.Components;

/// <summary>
/// The one bUnit context for portal components: MudBlazor set up once, an interactive server
/// renderer, and the real services over a fresh SQLite file in a temp folder (no test doubles).
/// </summary>
public abstract partial class PortalTestContext : BunitContext, IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "bp-bunit-" + Guid.NewGuid().ToString("N"));

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();

        Directory.CreateDirectory(folder);
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(folder, "portal.db")}",
            })
            .Build());
        Services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(folder));
        // The Identity tables are shaped by IdentityOptions; the migrations were made with these.
        Services.Configure<IdentityOptions>(IdentityExtensions.ConfigureStores);
        Services.AddSingleton(TimeProvider.System);
        Services.AddPortalDatabase();
        Services.AddScoped<ServiceCatalogService>();
        Services.AddScoped<TeamService>();
        Services.AddScoped<ProfileService>();
        Services.AddScoped<Features.Systems.SystemCatalogService>();
        Services.AddScoped<Features.Databases.DatabaseCatalogService>();
        Services.AddScoped<Features.Databases.DatabaseOperationsService>();
        Services.AddPeople();
        Services.AddOptions<SecurityOptions>();
        Services.AddSessions();
        // The token service writes audit entries.
        if (!Services.Any(d => d.ServiceType == typeof(AuditService)))
        {
            Services.AddAudit();
        }
        Services.AddScoped<Features.Tokens.TokenService>();
        Services.AddCatalogImport();
        Features.Graph.GraphRegistration.AddGraph(Services);
        Services.AddScoped<Features.Search.SearchService>();
        Features.Quality.QualityRegistration.AddQuality(Services);
        Features.Apis.ApisRegistration.AddApis(Services, new ConfigurationBuilder().Build());
        Services.AddOperations(new ConfigurationBuilder().Build());
        Auth = AddAuthorization();
        // Last: it builds the renderer, after which no service can be added.
        SetRendererInfo(new RendererInfo("Server", true));
    }

    protected BunitAuthorizationContext Auth { get; }

    protected ServiceCatalogService Catalog => Services.GetRequiredService<ServiceCatalogService>();

    protected TeamService Teams => Services.GetRequiredService<TeamService>();

    public virtual async Task InitializeAsync()
    {
        await DatabaseExtensions.MigrateAsync(Services);
        // Selects and dialogs render into these providers, as they do in MainLayout.
        PopoverProvider = Render<MudPopoverProvider>();
        DialogProvider = Render<MudDialogProvider>();
    }

    protected IRenderedComponent<MudDialogProvider> DialogProvider { get; private set; } = default!;

    /// <summary>Where open selects and menus render their items.</summary>
    protected IRenderedComponent<MudPopoverProvider> PopoverProvider { get; private set; } = default!;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean up with the temp folder.
        }
    }

    /// <summary>Signs a user in: an account and its person are created so team membership works.</summary>
    protected async Task<Actor> SignInAsync(string name, string role, params string[] memberOfTeams)
    {
        var userId = Guid.NewGuid().ToString();
        var slug = name.ToLowerInvariant().Replace(' ', '-');
        await using (var db = await DbAsync())
        {
            db.Users.Add(new ApplicationUser
            {
                Id = userId,
                UserName = $"{slug}@example.com",
                NormalizedUserName = $"{slug}@example.com".ToUpperInvariant(),
                Email = $"{slug}@example.com",
                NormalizedEmail = $"{slug}@example.com".ToUpperInvariant(),
                DisplayName = name,
                SecurityStamp = Guid.NewGuid().ToString(),
            });
            var person = new Person { Slug = slug, SlugKey = slug, Name = name, Email = $"{slug}@example.com", UserId = userId };
            person.Stamp("test", DateTime.UtcNow);
            db.People.Add(person);
            await db.SaveChangesAsync();
            foreach (var team in memberOfTeams)
            {
                var teamId = await db.Teams.Where(t => t.SlugKey == Slug.Key(team)).Select(t => t.Id).SingleAsync();
                db.TeamMembers.Add(new TeamMember { TeamId = teamId, PersonId = person.Id, Role = TeamRole.Member });
            }
            await db.SaveChangesAsync();
        }
        Auth.SetAuthorized(name);
        Auth.SetRoles(role);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        return new Actor(userId, name, new HashSet<string> { role }, null);
    }

    protected Task<TeamDetails> CreateTeamAsync(string slug, string name) =>
        Teams.CreateAsync(Actor.System, new TeamInput { Slug = slug, Name = name });

    protected Task<ServiceDetails> CreateServiceAsync(string slug, string name, string owner, string lifecycle = "production", params string[] languages) =>
        Catalog.CreateAsync(Actor.System, new ServiceInput { Slug = slug, Name = name, Owner = owner, Lifecycle = lifecycle, Languages = [.. languages] });

    protected void NavigateTo(string uri) => Services.GetRequiredService<NavigationManager>().NavigateTo(uri);

    protected async Task<AppDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private sealed class TestHostEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "BackendPortal";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
