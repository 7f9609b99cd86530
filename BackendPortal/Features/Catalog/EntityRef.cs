namespace BackendPortal.Features.Catalog;

/// <summary>
/// A Backstage entity reference, <c>[kind:][namespace/]name</c>. Kind is held lower-case; the name
/// keeps its spelling and compares ignoring case, as the catalog does.
/// </summary>
public sealed record EntityRef(string Kind, string Name)
{
    public const string DefaultNamespace = "default";

    public string Key => Name.ToLowerInvariant();

    /// <summary>Position in the list it came from, so an error names the entry the author wrote.</summary>
    public int Index { get; init; }

    public override string ToString() => $"{Kind}:{DefaultNamespace}/{Name}";

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="defaultKind"/> applies when the text names no
    /// kind (null: a kind is required, as for dependsOn). Returns an error message or null.
    /// </summary>
    public static string? TryParse(string? text, string? defaultKind, out EntityRef? reference)
    {
        reference = null;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return "An entity reference must not be empty.";
        }
        string? kind = null;
        var colon = value.IndexOf(':');
        if (colon >= 0)
        {
            kind = value[..colon];
            value = value[(colon + 1)..];
        }
        var slash = value.IndexOf('/');
        if (slash >= 0)
        {
            var ns = value[..slash];
            value = value[(slash + 1)..];
            // Every namespace maps onto the portal's one; a name used in two namespaces is caught as a duplicate.
            if (!BackstageRules.IsNamespace(ns.ToLowerInvariant()))
            {
                return $"'{text}' names namespace '{ns}', which is not a valid namespace.";
            }
        }
        if (kind is null)
        {
            if (defaultKind is null)
            {
                return $"'{text}' must name its kind, for example component:{value} or resource:{value}.";
            }
            kind = defaultKind;
        }
        if (string.IsNullOrEmpty(kind) || !BackstageRules.IsName(value))
        {
            return $"'{text}' is not an entity reference of the form [kind:][namespace/]name.";
        }
        reference = new EntityRef(kind.ToLowerInvariant(), value);
        return null;
    }
}
