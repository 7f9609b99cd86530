namespace BackendPortal.Data;

/// <summary>Field checks shared by every catalog entity, so messages read the same everywhere.</summary>
public static class Validate
{
    public static string? Slug(ValidationErrors errors, string field, string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors.Add(field, $"{field} is required. {Data.Slug.RuleText}");
        }
        else if (!Data.Slug.IsValid(trimmed))
        {
            errors.Add(field, $"'{Truncate(trimmed)}' is not a valid {field}. {Data.Slug.RuleText}");
        }
        return trimmed;
    }

    public static string? Required(ValidationErrors errors, string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors.Add(field, $"{field} is required.");
        }
        else if (trimmed.Length > maxLength)
        {
            errors.Add(field, $"{field} must be at most {maxLength} characters.");
        }
        return trimmed;
    }

    public static string? Optional(ValidationErrors errors, string field, string? value, int maxLength)
    {
        var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (trimmed is not null && trimmed.Length > maxLength)
        {
            errors.Add(field, $"{field} must be at most {maxLength} characters.");
        }
        return trimmed;
    }

    public static string? HttpUrl(ValidationErrors errors, string field, string? value)
    {
        var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (trimmed is null)
        {
            return null;
        }
        if (trimmed.Length > 2048
            || !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add(field, $"{field} must be an absolute http:// or https:// URL (for example https://git.example.com/team/repo).");
        }
        return trimmed;
    }

    public static List<string> List(ValidationErrors errors, string field, IEnumerable<string>? values, int maxItems, int maxLength, Func<string, string>? canonical = null)
    {
        var result = new List<string>();
        foreach (var raw in values ?? [])
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }
            var value = canonical is null ? raw.Trim() : canonical(raw);
            if (value.Length > maxLength)
            {
                errors.Add(field, $"Each entry of {field} must be at most {maxLength} characters.");
                continue;
            }
            if (!result.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(value);
            }
        }
        if (result.Count > maxItems)
        {
            errors.Add(field, $"{field} may hold at most {maxItems} entries.");
        }
        return result;
    }

    public static string LikePattern(string text) =>
        "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    private static string Truncate(string s) => s.Length > 70 ? s[..70] + "…" : s;
}
