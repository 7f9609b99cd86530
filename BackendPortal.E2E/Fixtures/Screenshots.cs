using Microsoft.Playwright;

namespace BackendPortal.E2E.Fixtures;

/// <summary>Full-page pictures of the main pages, kept with the test output for people to look at.</summary>
public static class Screenshots
{
    public static string Folder { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "..", "screenshots"));

    public static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Folder, $"{name}.png"), FullPage = true });
    }
}
