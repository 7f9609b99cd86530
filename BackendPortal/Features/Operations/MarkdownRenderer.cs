using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace BackendPortal.Features.Operations;

/// <summary>Postmortem Markdown to HTML that is safe to show: raw HTML is not rendered and links may only be http(s), mailto or relative.</summary>
public static class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseAutoLinks()
        .DisableHtml()
        .Build();

    public static string ToSafeHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return "";
        }
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafe(link.Url))
            {
                link.Url = "#";
            }
        }
        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsSafe(link.Url))
            {
                link.Url = "#";
            }
        }
        return document.ToHtml(Pipeline);
    }

    private static bool IsSafe(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return true;
        }
        var trimmed = url.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && !trimmed.StartsWith('/'))
        {
            return uri.Scheme is "http" or "https" or "mailto";
        }
        return !trimmed.Contains(':', StringComparison.Ordinal) || trimmed.IndexOf(':') > trimmed.IndexOfAny(['/', '?', '#']) && trimmed.IndexOfAny(['/', '?', '#']) >= 0;
    }
}
