using BackendPortal.Data;

namespace BackendPortal.Components.Shared;

/// <summary>
/// Field errors the server reported for a form, shown next to the matching field until the user
/// changes that field's value (each error remembers the value it was about).
/// </summary>
public sealed class ServerErrors
{
    private readonly Dictionary<string, (string Message, object? Value)> errors = new(StringComparer.OrdinalIgnoreCase);

    public void Clear() => errors.Clear();

    /// <summary>Takes the errors whose key is a known field; returns the messages of the rest.</summary>
    public IReadOnlyList<string> Take(ValidationFailedException ex, IReadOnlyDictionary<string, object?> submittedValues)
    {
        var unmatched = new List<string>();
        foreach (var (key, messages) in ex.Errors)
        {
            if (submittedValues.TryGetValue(key, out var value))
            {
                errors[key] = (string.Join(" ", messages), value);
            }
            else
            {
                unmatched.AddRange(messages);
            }
        }
        return unmatched;
    }

    /// <summary>The server's message for a field, while it still holds the value the server saw.</summary>
    public string? For(string field, object? currentValue) =>
        errors.TryGetValue(field, out var e) && Equals(Normalize(e.Value), Normalize(currentValue)) ? e.Message : null;

    private static object? Normalize(object? value) => value is string s ? s.Trim() : value;
}
