using System.Diagnostics;
using Microsoft.Playwright;

namespace BackendPortal.Bench;

/// <summary>
/// Memory of the server with 50 signed-in circuits open: one Chromium, one sign-in, 50 contexts
/// that reuse its cookies. Chromium and Playwright's driver are separate processes, so the
/// figures below are the app's (plus this harness's small share of managed objects).
/// </summary>
public sealed class CircuitBench(BenchHost host, BenchReport report)
{
    private const int Circuits = 50;
    private const int HomeCircuits = 20;
    private const string Interactive = "[data-testid=interactive]";
    private const string GridRow = "[data-testid=services-grid] .mud-table-body tr.mud-table-row a[href^='/services/']";

    public async Task RunAsync()
    {
        var sw = Stopwatch.StartNew();
        Console.WriteLine("Circuit bench");
        var email = await host.CreateViewerAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var baseUrl = host.Address.ToString().TrimEnd('/');
        var storageState = await SignInAsync(browser, baseUrl, email);

        // The Services page may not exist yet in this tree; the home page is the fallback.
        var target = await PickPageAsync(browser, baseUrl, storageState);
        if (target != "/")
        {
            // The shell alone, for comparison: what the target page adds on top of it.
            await MeasurePageAsync(browser, baseUrl, storageState, "/", HomeCircuits, waitForRows: false);
        }
        await MeasurePageAsync(browser, baseUrl, storageState, target, Circuits, waitForRows: target == "/services");
        Console.WriteLine($"Circuit bench done in {sw.Elapsed.TotalSeconds:F1} s");
    }

    private async Task MeasurePageAsync(IBrowser browser, string baseUrl, string storageState, string path, int count, bool waitForRows)
    {
        Console.WriteLine($"  {count} circuits on {path}");
        // One circuit first, closed again, so JIT and per-type caches are in the baseline, not the delta.
        var warm = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, StorageState = storageState });
        await OpenAsync(warm, path, waitForRows);
        await CloseAsync([warm]);

        var before = Memory.Measure();
        var openBefore = host.Circuits.Open;
        var contexts = new List<IBrowserContext>(count);
        var openTimes = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, StorageState = storageState });
            contexts.Add(context);
            var start = Stopwatch.GetTimestamp();
            await OpenAsync(context, path, waitForRows);
            openTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var after = Memory.Measure();
        var opened = host.Circuits.Open - openBefore;
        if (opened != count)
        {
            throw new InvalidOperationException($"Bench sanity check failed: expected {count} new circuits on the server, found {opened}.");
        }
        await CloseAsync(contexts);
        var closed = Memory.Measure();

        var managed = after.Managed - before.Managed;
        var workingSet = after.WorkingSet - before.WorkingSet;
        var open = LatencyStats.From("open", openTimes, 0);
        report.Add($"{count} circuits on {path} (Viewer, one Chromium, {count} contexts)", FormattableString.Invariant(
            $"**{managed / count / 1024.0:F0} KiB managed heap and {workingSet / count / 1024.0:F0} KiB working set per circuit** (before: {before}; with {count} open: {after}; after closing them: {closed}). Each page interactive{(waitForRows ? " with grid rows shown" : "")} in p50 {open.P50:F0} ms / p95 {open.P95:F0} ms, opened one after another."));
        Console.WriteLine($"    before: {before}");
        Console.WriteLine($"    open:   {after}");
        Console.WriteLine($"    closed: {closed}");
        Console.WriteLine(FormattableString.Invariant($"    per circuit: managed {managed / count / 1024.0:F0} KiB, working set {workingSet / count / 1024.0:F0} KiB"));
    }

    /// <summary>Leaving the page makes Blazor send its disconnect beacon, so the server drops the circuit now instead of keeping it for a reconnect.</summary>
    private async Task CloseAsync(IReadOnlyList<IBrowserContext> contexts)
    {
        var openBefore = host.Circuits.Open;
        foreach (var context in contexts)
        {
            foreach (var page in context.Pages)
            {
                await page.GotoAsync("about:blank");
            }
            await context.CloseAsync();
        }
        var deadline = Stopwatch.StartNew();
        while (host.Circuits.Open > openBefore - contexts.Count && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
    }

    private static async Task<string> SignInAsync(IBrowser browser, string baseUrl, string email)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync(BenchHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));
        await page.Locator(Interactive).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return await context.StorageStateAsync();
    }

    private static async Task<string> PickPageAsync(IBrowser browser, string baseUrl, string storageState)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, StorageState = storageState });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/services");
        return response is { Ok: true } && !page.Url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase) ? "/services" : "/";
    }

    private static async Task OpenAsync(IBrowserContext context, string path, bool waitForRows)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.Locator(Interactive).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        if (waitForRows)
        {
            await page.Locator(GridRow).First.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        }
    }

    private static string ChromiumPath() =>
        Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static string Mib(long bytes) => FormattableString.Invariant($"{bytes / 1024.0 / 1024.0:F1} MiB");

    private sealed record Memory(long Managed, long WorkingSet)
    {
        public static Memory Measure()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            return new Memory(managed, process.WorkingSet64);
        }

        public override string ToString() => $"managed heap {Mib(Managed)}, working set {Mib(WorkingSet)}";
    }
}
