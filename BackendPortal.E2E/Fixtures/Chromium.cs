using Microsoft.Playwright;

namespace BackendPortal.E2E.Fixtures;

/// <summary>
/// Launches the system's Chromium: this machine has no internet, so <c>playwright install</c>
/// cannot fetch Playwright's own build.
/// </summary>
public static class Chromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    public static string FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"PORTAL_CHROMIUM points at '{configured}', which does not exist.");
        }
        return Candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No Chromium found: install it with apt-get install chromium or set PORTAL_CHROMIUM.");
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = FindExecutable(),
        Headless = true,
        Args =
        [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    });
}
