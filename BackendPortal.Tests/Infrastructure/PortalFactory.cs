using System.Net;
using System.Net.Http.Headers;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Features.Tokens;
using BackendPortal.Features.Users;
using BackendPortal.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackendPortal.Infrastructure;

/// <summary>
/// The real app (Program) on a fresh SQLite file in its own temp folder. Share one per test class
/// (IClassFixture) and give every test its own slugs and users (<see cref="Unique"/>).
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public const string Password = "correct horse battery staple";

    private static int counter;
    private readonly Dictionary<string, string?> settings;

    public PortalFactory()
        : this(kestrel: false)
    {
    }

    protected PortalFactory(bool kestrel)
    {
        Folder = Path.Combine(Path.GetTempPath(), "bp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        DatabasePath = Path.Combine(Folder, "portal.db");
        settings = new()
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Portal"] = $"Data Source={DatabasePath}",
            ["Demo:Seed"] = "false",
            // Many tests sign in from the same (absent) client IP; rate-limit tests lower this again.
            ["RateLimits:SignInPerIpPerMinute"] = "10000",
        };
        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    public string Folder { get; }

    public string DatabasePath { get; }

    public LogCapture Logs { get; } = new();

    /// <summary>The lowest level the capture keeps; token tests lower it to see everything.</summary>
    protected virtual LogLevel CaptureLevel => LogLevel.Information;

    /// <summary>Adds or replaces a configuration value; only before the first client or Services call.</summary>
    public PortalFactory WithSetting(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    /// <summary>Leaves a key to the app's own configuration sources (appsettings.json, environment).</summary>
    public PortalFactory WithoutSetting(string key)
    {
        settings.Remove(key);
        return this;
    }

    public static string Unique(string prefix) => $"{prefix}-{Interlocked.Increment(ref counter)}-{Random.Shared.Next(1000, 9999)}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        builder.ConfigureLogging(l =>
        {
            // Only the capture: console output from many hosts in parallel is noise and slows the run.
            l.ClearProviders();
            l.AddProvider(Logs);
            l.AddFilter<LogCapture>(null, CaptureLevel);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow runner; the OS temp cleaner gets it.
        }
    }

    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await work(db);
    }

    public async Task<T> WithServiceAsync<TService, T>(Func<TService, Task<T>> work)
        where TService : notnull
    {
        await using var scope = Scope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    // ---- people, teams, services, tokens -------------------------------------------------------

    public Task<UserAccount> CreateUserAsync(params string[] roles) =>
        CreateAccountAsync(Unique("user") + "@example.com", Password, roles);

    public Task<UserAccount> CreateAccountAsync(string email, string password, params string[] roles) =>
        WithServiceAsync<UserAccountService, UserAccount>(s => s.CreateAsync(email, null, roles, password, "test"));

    /// <summary>The actor a signed-in browser user becomes (cookie: every scope), or a token's actor when scopes are given.</summary>
    public static Actor ActorFor(UserAccount user, params string[] tokenScopes) =>
        new(user.Id, user.Email, user.Roles.ToHashSet(), tokenScopes.Length == 0 ? null : tokenScopes.ToHashSet());

    public Task<TeamDetails> CreateTeamAsync(string? slug = null, string? name = null) =>
        WithServiceAsync<TeamService, TeamDetails>(s => s.CreateAsync(Actor.System, new TeamInput
        {
            Slug = slug ?? Unique("team"),
            Name = name ?? "Team " + (slug ?? "x"),
        }));

    /// <summary>Links the user's person to the team (member or lead).</summary>
    public Task AddMemberAsync(string teamSlug, UserAccount user, TeamRole role = TeamRole.Member) =>
        WithDbAsync(async db =>
        {
            var key = Slug.Key(teamSlug);
            var teamId = await db.Teams.Where(t => t.SlugKey == key).Select(t => t.Id).SingleAsync();
            var personId = await db.People.Where(p => p.UserId == user.Id).Select(p => p.Id).SingleAsync();
            db.TeamMembers.Add(new TeamMember { TeamId = teamId, PersonId = personId, Role = role });
            return await db.SaveChangesAsync();
        });

    public static ServiceInput NewServiceInput(string owner, string? slug = null) => new()
    {
        Slug = slug ?? Unique("svc"),
        Name = "Service " + (slug ?? "x"),
        Owner = owner,
        Lifecycle = "production",
    };

    public Task<ServiceDetails> CreateServiceAsync(string owner, string? slug = null, Action<ServiceInput>? configure = null)
    {
        var input = NewServiceInput(owner, slug);
        configure?.Invoke(input);
        return WithServiceAsync<ServiceCatalogService, ServiceDetails>(s => s.CreateAsync(Actor.System, input));
    }

    public async Task<string> CreateTokenAsync(UserAccount user, string scopes = "read,write", int days = 30)
    {
        var created = await WithServiceAsync<TokenService, CreatedToken>(s => s.CreateAsync(user.Id, "test " + scopes, scopes.Split(','), days));
        return created.Token;
    }

    // ---- clients ----------------------------------------------------------------------------------

    /// <summary>No redirects followed (tests look at them), cookies kept between requests.</summary>
    public HttpClient AnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public HttpClient BearerClient(string token)
    {
        var client = AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Posts the real sign-in form; the returned response is the form's answer (302 on success).</summary>
    public static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password) =>
        HtmlForms.SubmitAsync(client, "/Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    public static bool SetsAuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("BackendPortal.Auth=", StringComparison.Ordinal));

    /// <summary>A client signed in through the sign-in page with the Identity cookie.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password = Password)
    {
        var client = AnonymousClient();
        var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect || !SetsAuthCookie(response))
        {
            throw new InvalidOperationException($"Sign-in of {email} failed: {(int)response.StatusCode}\n{await response.Content.ReadAsStringAsync()}");
        }
        return client;
    }

    public Task<HttpClient> SignInAsync(UserAccount user) => SignInAsync(user.Email);
}

/// <summary>The same app on a real Kestrel socket, for behaviour the in-memory server does not model (body size limits).</summary>
public sealed class KestrelPortalFactory() : PortalFactory(kestrel: true);

/// <summary>Captures every log level, for the tests that prove secrets never reach the logs.</summary>
public sealed class VerbosePortalFactory : PortalFactory
{
    protected override LogLevel CaptureLevel => LogLevel.Trace;
}
