using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace BackendPortal.E2E.Fixtures;

/// <summary>
/// Collects every Content-Security-Policy violation in a browser context: the page's
/// 'securitypolicyviolation' events (reported through a binding, so they survive navigations) and
/// the console messages Chromium writes for them.
/// </summary>
public sealed class CspWatcher
{
    private readonly ConcurrentQueue<string> violations = new();
    private readonly TaskCompletionSource first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<string> Violations => violations;

    /// <summary>Completes at the first violation: the self-check that the watcher really hears them.</summary>
    public Task FirstViolation => first.Task;

    public static async Task<CspWatcher> AttachAsync(IBrowserContext context)
    {
        var watcher = new CspWatcher();
        await context.ExposeBindingAsync("__reportCspViolation", (BindingSource source, string text) =>
        {
            watcher.Add($"{source.Page?.Url}: {text}");
        });
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
                window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber})`));
            """);
        context.Page += (_, page) => watcher.Watch(page);
        foreach (var page in context.Pages)
        {
            watcher.Watch(page);
        }
        return watcher;
    }

    private void Add(string violation)
    {
        violations.Enqueue(violation);
        first.TrySetResult();
    }

    private void Watch(IPage page) => page.Console += (_, message) =>
    {
        if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
            || message.Text.Contains("Content-Security-Policy", StringComparison.OrdinalIgnoreCase))
        {
            Add($"{page.Url}: console {message.Type}: {message.Text}");
        }
    };
}
