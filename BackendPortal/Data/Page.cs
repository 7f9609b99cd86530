using System.Text;

namespace BackendPortal.Data;

/// <summary>The one list shape every API returns: keyset paging with an opaque cursor.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor, int Total);

/// <summary>One screen of a grid: offset paging with a sort column, for the UI.</summary>
public sealed record GridPage<T>(IReadOnlyList<T> Items, int Total);

public sealed record PageRequest(int Limit, string? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static PageRequest Parse(int? limit, string? cursor)
    {
        var errors = new ValidationErrors();
        var effective = limit ?? DefaultLimit;
        if (effective is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"limit must be between 1 and {MaxLimit}.");
        }
        string? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            after = DecodeCursor(cursor);
            if (after is null)
            {
                errors.Add("cursor", "cursor is not one this server issued; use the nextCursor of a previous page.");
            }
        }
        errors.ThrowIfAny();
        return new PageRequest(effective, after);
    }

    public static string EncodeCursor(string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("k:" + key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeCursor(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            return text.StartsWith("k:", StringComparison.Ordinal) ? text[2..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
