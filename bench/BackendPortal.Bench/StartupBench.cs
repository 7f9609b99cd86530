using System.Diagnostics;
using Microsoft.Playwright;

namespace BackendPortal.Bench;

/// <summary>
/// The circuit start of the plain home page, step by step (see <see cref="StartupTrace"/>): what
/// every interactive page pays before its own content matters.
/// STARTUP_BENCH_SAMPLES (default 8) sets the number of fresh contexts.
/// </summary>
public sealed class StartupBench(BenchHost host, BenchReport report)
{
    public async Task RunAsync()
    {
        Console.WriteLine("Startup bench");
        var samples = int.TryParse(Environment.GetEnvironmentVariable("STARTUP_BENCH_SAMPLES"), out var n) && n > 0 ? n : 8;
        var email = await host.CreateViewerAsync("bench-startup-viewer@example.com");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var baseUrl = host.Address.ToString().TrimEnd('/');
        var storage = await SignInAsync(browser, baseUrl, email);
        var traces = new List<StartupTrace>();
        var wall = new List<double>();
        for (var i = 0; i <= samples; i++)
        {
            var (trace, ms) = await LoadAsync(browser, baseUrl, storage, "/", "h1");
            if (i > 0)
            {
                traces.Add(trace);
                wall.Add(ms);
            }
        }
        var stats = LatencyStats.From("home page interactive", wall, 0);
        report.Add("Home page / in Chromium, fresh context each (navigation until the interactive marker)",
            FormattableString.Invariant($"p50 {stats.P50:F0} ms / p95 {stats.P95:F0} ms over {wall.Count}; {StartupTrace.Summarise(traces)}"));
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

    public static async Task<string> SignInAsync(IBrowser browser, string baseUrl, string email)
    {
        await using var login = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        var page = await login.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync(BenchHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));
        return await login.StorageStateAsync();
    }

    /// <summary>One load in a fresh context: the trace, and the wall-clock time until the marker.</summary>
    public static async Task<(StartupTrace Trace, double Ms)> LoadAsync(IBrowser browser, string baseUrl, string storage, string path, string contentSelector)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, StorageState = storage });
        await StartupTrace.AttachAsync(context, contentSelector);
        var page = await context.NewPageAsync();
        var start = Stopwatch.GetTimestamp();
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (Environment.GetEnvironmentVariable("STARTUP_TRACE_DETAIL") == "1")
        {
            Console.WriteLine($"  {path} in {ms:F0} ms:\n{await StartupTrace.DetailAsync(page)}");
        }
        return (await StartupTrace.ReadAsync(page), ms);
    }
}
