using BackendPortal.E2E.Pages;
using BackendPortal.Features.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackendPortal.E2E.Fixtures;

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal";
}

public sealed record PortalUser(string Email, string Name, string Password, string PersonSlug);

/// <summary>
/// One server and one browser for the whole run; each test asks for its own browser context, so
/// cookies never leak from one test to the next.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim setupGate = new(1, 1);
    private IPlaywright? playwright;
    private IBrowser? browser;
    private PortalUser? admin;

    public PortalServer Server { get; } = new();

    public Uri RootUri => Server.RootUri;

    public async Task InitializeAsync()
    {
        Server.Start();
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await Chromium.LaunchAsync(playwright);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
        await Server.DisposeAsync();
    }

    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await browser!.NewContextAsync(new()
        {
            BaseURL = RootUri.ToString(),
            ViewportSize = new() { Width = 1280, Height = 800 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(20_000);
        return context;
    }

    /// <summary>
    /// The first admin is made the way an operator makes it: through the setup link from the
    /// start-up log, in a browser. Whichever test needs an account first triggers it.
    /// </summary>
    public async Task<PortalUser> FirstAdminAsync()
    {
        await setupGate.WaitAsync();
        try
        {
            if (admin is not null)
            {
                return admin;
            }
            var user = NewUser("admin", "Ada Admin");
            await using var context = await NewContextAsync();
            var setup = new SetupPage(await context.NewPageAsync());
            await setup.GotoAsync(await SetupUrlAsync());
            await Assertions.Expect(setup.Heading).ToBeVisibleAsync();
            await Screenshots.SaveAsync(setup.Page, "setup");
            await setup.CreateAdminAsync(user.Email, user.Name, user.Password);
            await Assertions.Expect(setup.Success).ToContainTextAsync(user.Email);
            admin = user with { PersonSlug = UserAccountService.SlugFromEmail(user.Email) };
            return admin;
        }
        finally
        {
            setupGate.Release();
        }
    }

    public async Task<string> SetupUrlAsync() => await Server.Log.SetupUrl.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Other accounts come from the service an admin's CLI uses; their sign-in still goes through the browser.</summary>
    public async Task<PortalUser> CreateUserAsync(string role, string name)
    {
        await FirstAdminAsync();
        var user = NewUser(role.ToLowerInvariant(), name);
        await using var scope = Server.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<UserAccountService>()
            .CreateAsync(user.Email, user.Name, [role], user.Password, "e2e");
        return user with { PersonSlug = account.PersonSlug };
    }

    public async Task<T> WithServiceAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private static PortalUser NewUser(string prefix, string name)
    {
        var id = Unique.Suffix();
        return new PortalUser($"{prefix}-{id}@example.test", name, $"e2e-{Guid.NewGuid():N}", "");
    }
}
