using System.Text.RegularExpressions;

namespace BackendPortal.Data;

/// <summary>Backstage's name rule, so a catalog exported as YAML comes back unchanged.</summary>
public static partial class Slug
{
    public const int MaxLength = 63;

    public const string RuleText =
        "Use 1–63 letters or digits, optionally separated by single '-', '_' or '.' (for example orders-api).";

    [GeneratedRegex("^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && Pattern().IsMatch(value);

    /// <summary>Slugs are unique ignoring case; the key column holds the folded form with a unique index.</summary>
    public static string Key(string value) => value.ToLowerInvariant();
}
