using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackendPortal.Features.Apis.Spec;

/// <summary>
/// JSON Schema (OpenAPI 3.1) allows <c>true</c> and <c>false</c> wherever a schema goes; Microsoft.OpenApi 2.13 reads
/// such a subschema as nothing and then crashes with a NullReferenceException (codat.io's specs on APIs.guru carry a
/// property <c>"additionalProperties": false</c>). A document the parser could not read is given to it again with each
/// boolean subschema written in its object form: <c>true</c> as <c>{}</c>, <c>false</c> as <c>{"not": {}}</c>, which
/// mean the same. <c>additionalProperties</c> itself is left alone: the parser reads its boolean.
/// </summary>
public static class BooleanSchemas
{
    private static readonly HashSet<string> SchemaMaps = new(StringComparer.Ordinal) { "properties", "patternProperties", "$defs", "definitions", "dependentSchemas" };
    private static readonly HashSet<string> SchemaValues = new(StringComparer.Ordinal)
        { "items", "not", "contains", "if", "then", "else", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema" };
    private static readonly HashSet<string> SchemaLists = new(StringComparer.Ordinal) { "allOf", "anyOf", "oneOf", "prefixItems" };

    public sealed record Repaired(byte[] Json, IReadOnlyList<string> Pointers);

    /// <summary>The document as JSON with its boolean subschemas replaced, or null when it has none (or is not JSON).</summary>
    public static Repaired? Repair(SpecBytes body, bool isJson)
    {
        JsonNode? root;
        try
        {
            root = isJson
                ? JsonNode.Parse(body.Span, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 })
                : JsonNode.Parse(YamlToJson.ToUtf8(body), documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (Exception e) when (e is JsonException or Catalog.YamlReadException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
        var pointers = new List<string>();
        Walk(root, "", pointers);
        return pointers.Count == 0 ? null : new Repaired(JsonSerializer.SerializeToUtf8Bytes(root), pointers);
    }

    /// <summary>Finds the schemas of the document: every <c>schema</c> value and every component schema.</summary>
    private static void Walk(JsonNode? node, string pointer, List<string> found)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var at = pointer + "/" + Escape(key);
                    if (key == "schema" && value is JsonObject schema)
                    {
                        Schema(schema, at, found);
                    }
                    else if (key == "schemas" && pointer == "/components" && value is JsonObject components)
                    {
                        foreach (var (name, component) in components.ToList())
                        {
                            Sub(components, name, component, at + "/" + Escape(name), found);
                        }
                    }
                    else
                    {
                        Walk(value, at, found);
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{pointer}/{i}", found);
                }
                break;
        }
    }

    private static void Schema(JsonObject schema, string pointer, List<string> found)
    {
        foreach (var (key, value) in schema.ToList())
        {
            var at = pointer + "/" + Escape(key);
            if (SchemaMaps.Contains(key) && value is JsonObject map)
            {
                foreach (var (name, sub) in map.ToList())
                {
                    Sub(map, name, sub, at + "/" + Escape(name), found);
                }
            }
            else if (SchemaValues.Contains(key))
            {
                Sub(schema, key, value, at, found);
            }
            else if (SchemaLists.Contains(key) && value is JsonArray list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                    {
                        list[i] = ObjectForm(v.GetValueKind() == JsonValueKind.True);
                        found.Add($"{at}/{i}");
                    }
                    else if (list[i] is JsonObject item)
                    {
                        Schema(item, $"{at}/{i}", found);
                    }
                }
            }
            else if (key == "additionalProperties" && value is JsonObject additional)
            {
                Schema(additional, at, found);
            }
        }
    }

    private static void Sub(JsonObject parent, string key, JsonNode? value, string pointer, List<string> found)
    {
        if (value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            parent[key] = ObjectForm(v.GetValueKind() == JsonValueKind.True);
            found.Add(pointer);
        }
        else if (value is JsonObject schema)
        {
            Schema(schema, pointer, found);
        }
    }

    private static JsonObject ObjectForm(bool value) => value ? [] : new JsonObject { ["not"] = new JsonObject() };

    private static string Escape(string key) => key.Replace("~", "~0").Replace("/", "~1");
}
