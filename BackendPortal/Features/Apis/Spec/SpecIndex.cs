using System.Text.Json.Serialization;

namespace BackendPortal.Features.Apis.Spec;

/// <summary>
/// What the portal keeps of a parsed OpenAPI document: enough for the reference view, the score and
/// the diff. Component schemas stay by name and references stay references, so recursive schemas
/// are finite here and are only expanded on demand.
/// </summary>
public sealed class SpecIndex
{
    public string SpecVersion { get; set; } = "";
    public string? Title { get; set; }
    public string? InfoVersion { get; set; }
    public string? Description { get; set; }
    public bool HasContact { get; set; }
    public List<SpecTag> Tags { get; set; } = [];
    public List<SpecOperation> Operations { get; set; } = [];
    public Dictionary<string, SpecSchema> Schemas { get; set; } = [];
    public List<string> SecuritySchemes { get; set; } = [];
    /// <summary>The document's own <c>security</c> (null when it has none); <c>[]</c> or <c>[{}]</c> turns security off.</summary>
    public List<List<string>>? DocumentSecurity { get; set; }
    /// <summary>Component names ("schemas/Order", "parameters/Limit") that nothing refers to.</summary>
    public List<string> UnusedComponents { get; set; } = [];
}

public sealed record SpecTag(string Name, string? Description);

public static class SpecOperationKinds
{
    /// <summary>An OpenAPI 3.1 webhook: sent by the API to its subscribers; <see cref="SpecOperation.Path"/> holds the webhook's name.</summary>
    public const string Webhook = "webhook";

    /// <summary>A callback of an operation; <see cref="SpecOperation.Path"/> holds the runtime expression of its URL.</summary>
    public const string Callback = "callback";
}

public sealed class SpecOperation
{
    public string Method { get; set; } = "";
    /// <summary>The path; for a webhook its name, for a callback its URL expression.</summary>
    public string Path { get; set; } = "";
    /// <summary>Null for an operation under <c>paths</c>; else one of <see cref="SpecOperationKinds"/> (absent from indexes stored before webhooks were read).</summary>
    public string? Kind { get; set; }
    public string? OperationId { get; set; }
    public string? Summary { get; set; }
    public string? Description { get; set; }
    public List<string> Tags { get; set; } = [];
    public bool Deprecated { get; set; }
    public List<SpecParameter> Parameters { get; set; } = [];
    public SpecBody? RequestBody { get; set; }
    public List<SpecResponse> Responses { get; set; } = [];
    /// <summary>The requirement sets in force (operation's own, else the document's): each set lists scheme names. Empty: no security.</summary>
    public List<List<string>> Security { get; set; } = [];
    /// <summary>The operation declares its own <c>security</c>, overriding the document's (even with <c>[]</c>).</summary>
    public bool OwnSecurity { get; set; }
    /// <summary>The operation's callbacks (OpenAPI 3.x), null when it has none.</summary>
    public List<SpecCallback>? Callbacks { get; set; }

    [JsonIgnore]
    public bool IsWebhook => Kind == SpecOperationKinds.Webhook;

    [JsonIgnore]
    public string Key => $"{Method} {Path}";

    /// <summary>Path parameters renamed do not make another operation: "/orders/{id}" and "/orders/{orderId}" match. A webhook never matches a path.</summary>
    [JsonIgnore]
    public string MatchKey => IsWebhook ? $"webhook {Method} {Path}" : $"{Method} {SpecPaths.Normalize(Path)}";

    [JsonIgnore]
    public string Anchor => OperationId ?? (IsWebhook ? $"webhook-{Method.ToLowerInvariant()}-{Path}" : $"{Method.ToLowerInvariant()}-{Path}");

    /// <summary>"GET /orders" or "webhook POST newPet": how messages name the operation.</summary>
    [JsonIgnore]
    public string Label => IsWebhook ? $"webhook {Method} {Path}" : Key;
}

/// <summary>
/// One operation of a callback: the request the API sends to a URL the client gave (the expression says where, e.g.
/// <c>{$request.body#/callbackUrl}</c>) after the parent operation, and the responses it expects back.
/// </summary>
public sealed class SpecCallback
{
    public string Name { get; set; } = "";
    public string Expression { get; set; } = "";
    /// <summary>The callback's operation: <see cref="SpecOperation.Kind"/> is callback and its path is the expression.</summary>
    public SpecOperation Operation { get; set; } = new();
}

public sealed class SpecParameter
{
    public string Name { get; set; } = "";
    public string In { get; set; } = "";
    public bool Required { get; set; }
    public bool Deprecated { get; set; }
    public string? Description { get; set; }
    public SpecSchema? Schema { get; set; }
    public string? Example { get; set; }
}

public sealed class SpecBody
{
    public bool Required { get; set; }
    public string? Description { get; set; }
    public List<SpecContent> Content { get; set; } = [];
}

public sealed class SpecContent
{
    public string MediaType { get; set; } = "";
    public SpecSchema? Schema { get; set; }
    public string? Example { get; set; }
}

public sealed class SpecResponse
{
    public string Status { get; set; } = "";
    public string? Description { get; set; }
    public List<SpecContent> Content { get; set; } = [];
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed class SpecSchema
{
    /// <summary>Name of the component schema this node refers to; the other fields are then empty.</summary>
    public string? Ref { get; set; }
    public string? Type { get; set; }
    public string? Format { get; set; }
    public string? Title { get; set; }
    public string? Description { get; set; }
    public bool Nullable { get; set; }
    public bool Deprecated { get; set; }
    public bool ReadOnly { get; set; }
    public bool WriteOnly { get; set; }
    public Dictionary<string, SpecSchema>? Properties { get; set; }
    public List<string>? Required { get; set; }
    public SpecSchema? Items { get; set; }
    public SpecSchema? AdditionalProperties { get; set; }
    public List<string>? Enum { get; set; }
    public List<SpecSchema>? AllOf { get; set; }
    public List<SpecSchema>? OneOf { get; set; }
    public List<SpecSchema>? AnyOf { get; set; }
    public string? Example { get; set; }

    /// <summary>A one-line name for the schema: "Order", "array of Order", "string (date-time)".</summary>
    public string Display() => Ref ?? Type switch
    {
        "array" => $"array of {Items?.Display() ?? "any"}",
        null when AllOf is { Count: > 0 } => string.Join(" & ", AllOf.Select(s => s.Display())),
        null when OneOf is { Count: > 0 } => "one of " + string.Join(" | ", OneOf.Select(s => s.Display())),
        null when AnyOf is { Count: > 0 } => "any of " + string.Join(" | ", AnyOf.Select(s => s.Display())),
        null => Properties is { Count: > 0 } ? "object" : "any",
        _ => Format is null ? Type : $"{Type} ({Format})",
    };
}

public static class SpecPaths
{
    public static string Normalize(string path)
    {
        var sb = new System.Text.StringBuilder(path.Length);
        var inParam = false;
        foreach (var c in path)
        {
            if (c == '{')
            {
                inParam = true;
                sb.Append("{}");
            }
            else if (c == '}')
            {
                inParam = false;
            }
            else if (!inParam)
            {
                sb.Append(c);
            }
        }
        var s = sb.ToString();
        return s.Length > 1 ? s.TrimEnd('/') : s;
    }

    /// <summary>RFC 6901: "~" becomes "~0" and "/" becomes "~1".</summary>
    public static string Pointer(params string[] segments)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var s in segments)
        {
            sb.Append('/');
            foreach (var c in s)
            {
                _ = c switch
                {
                    '~' => sb.Append("~0"),
                    '/' => sb.Append("~1"),
                    _ => sb.Append(c),
                };
            }
        }
        return segments.Length == 0 ? "/" : sb.ToString();
    }
}
