namespace BackendPortal.Features.Sessions;

/// <summary>Turns a User-Agent header into words a person recognises, such as "Chrome on Linux".</summary>
public static class UserAgents
{
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari, Android also says Linux.
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("curl/", "curl"), ("PowerShell/", "PowerShell"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
    ];

    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown device";
        }
        var browser = Browsers.FirstOrDefault(b => userAgent.Contains(b.Token, StringComparison.OrdinalIgnoreCase)).Name;
        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.OrdinalIgnoreCase)).Name;
        return (browser, system) switch
        {
            (null, null) => "Unknown device",
            (not null, null) => browser,
            (null, not null) => "Browser on " + system,
            _ => $"{browser} on {system}",
        };
    }
}
