using AngleSharp.Dom;
using Bunit;

namespace BackendPortal.Components;

/// <summary>Finds MudBlazor parts the way a user sees them: by label and by button text.</summary>
public abstract partial class PortalTestContext
{
    protected static void Type<T>(IRenderedComponent<T> cut, string label, string value)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        FieldOf(cut, label).QuerySelector("input, textarea")!.Input(value);

    /// <summary>The whole input control (input, helper and error text) whose label reads <paramref name="label"/>.</summary>
    protected static IElement FieldOf<T>(IRenderedComponent<T> cut, string label)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.FindAll(".mud-input-control").FirstOrDefault(c => c.QuerySelector("label")?.TextContent.Trim() == label)
        ?? throw new Xunit.Sdk.XunitException($"No field labelled '{label}' in:\n{cut.Markup}");

    protected static string? ErrorOf<T>(IRenderedComponent<T> cut, string label)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        FieldOf(cut, label).QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() is { Length: > 0 } text ? text : null;

    protected static IElement Button<T>(IRenderedComponent<T> cut, string text)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.FindAll("button").FirstOrDefault(b => b.TextContent.Trim() == text)
        ?? throw new Xunit.Sdk.XunitException($"No button '{text}' in:\n{cut.Markup}");

    protected static bool HasButton<T>(IRenderedComponent<T> cut, string text)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.FindAll("button").Any(b => b.TextContent.Trim() == text);
}
