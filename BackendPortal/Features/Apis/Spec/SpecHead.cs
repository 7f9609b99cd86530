using System.Text.Json.Serialization;

namespace BackendPortal.Features.Apis.Spec;

/// <summary>
/// The first screen of a version's reference, stored beside its full index at ingest (a few KB instead of several MB),
/// so the prerendered page shows the title, the table of contents and the first rows without unpacking the index.
/// </summary>
public sealed class SpecHead
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public int OperationCount { get; set; }
    public int WebhookCount { get; set; }
    public int SchemaCount { get; set; }
    /// <summary>Tags in display order with their operation counts (the table of contents).</summary>
    public List<SpecTagCount> Tags { get; set; } = [];
    /// <summary>The first <see cref="ReferenceRows.FirstScreen"/> rows of the list, exactly as the full index lists them.</summary>
    public List<ReferenceRow> Rows { get; set; } = [];

    public static SpecHead From(SpecIndex index) => new()
    {
        Title = index.Title,
        Description = index.Description,
        OperationCount = index.Operations.Count,
        WebhookCount = index.Operations.Count(o => o.IsWebhook),
        SchemaCount = index.Schemas.Count,
        Tags = ReferenceRows.Contents(index),
        Rows = ReferenceRows.Build(index, null, ReferenceRows.FirstScreen),
    };
}

public sealed record SpecTagCount(string Name, int Count);

/// <summary>One row of the reference list: a tag heading, an operation or a schema.</summary>
public sealed record ReferenceRow(string? Tag, string? Method = null, string? Path = null, string? Anchor = null, bool Deprecated = false, string? Schema = null, bool Webhook = false)
{
    [JsonIgnore]
    public string Label => Webhook ? $"webhook {Method} {Path}" : $"{Method} {Path}";
}

/// <summary>
/// The reference list's order: operations grouped by their first tag (in the document's tag order, then by name), then
/// webhooks in a section of their own (split by tag when they have tags), then the schemas.
/// </summary>
public static class ReferenceRows
{
    /// <summary>Rows shown without virtualisation: more than fit the list's 70vh at 34 px on a tall screen.</summary>
    public const int FirstScreen = 40;

    public static List<ReferenceRow> Build(SpecIndex index, string? search, int limit = int.MaxValue)
    {
        var q = search;
        bool Match(string? text) => q is null || (text?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false);
        var list = new List<ReferenceRow>();
        var groups = Groups(index, o => Match(o.Path) || Match(o.Summary) || Match(o.OperationId) || Match(o.Method) || o.Tags.Any(Match) || Match(o.Kind)
            || (o.Callbacks?.Exists(c => Match(c.Name) || Match(c.Expression)) ?? false));
        foreach (var (heading, operations) in groups)
        {
            if (list.Count >= limit)
            {
                return list;
            }
            list.Add(new ReferenceRow(heading));
            list.AddRange(operations.Take(limit - list.Count).Select(o => new ReferenceRow(null, o.Method, o.Path, o.Anchor, o.Deprecated, Webhook: o.IsWebhook)));
        }
        if (list.Count >= limit)
        {
            return list;
        }
        var schemas = index.Schemas.Keys.Where(Match).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (schemas.Count > 0)
        {
            list.Add(new ReferenceRow("Schemas"));
            list.AddRange(schemas.Take(limit - list.Count).Select(s => new ReferenceRow(null, Schema: s)));
        }
        return list;
    }

    public static List<SpecTagCount> Contents(SpecIndex index) =>
        [.. Groups(index, _ => true).Select(g => new SpecTagCount(g.Heading, g.Operations.Count))];

    private static IEnumerable<(string Heading, List<SpecOperation> Operations)> Groups(SpecIndex index, Func<SpecOperation, bool> filter)
    {
        var tagOrder = index.Tags.Select((t, i) => (t.Name, i)).GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First().i);
        var matching = index.Operations.Where(filter).ToList();
        var operations = matching.Where(o => !o.IsWebhook)
            .GroupBy(o => o.Tags.FirstOrDefault() ?? "Other")
            .OrderBy(g => tagOrder.GetValueOrDefault(g.Key, int.MaxValue)).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, g.ToList()));
        var webhooks = matching.Where(o => o.IsWebhook)
            .GroupBy(o => o.Tags.FirstOrDefault())
            .OrderBy(g => g.Key is null ? -1 : tagOrder.GetValueOrDefault(g.Key, int.MaxValue)).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key is null ? "Webhooks" : $"Webhooks · {g.Key}", g.ToList()));
        return operations.Concat(webhooks);
    }
}
