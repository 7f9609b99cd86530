using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackendPortal.Features.Catalog;

namespace BackendPortal.Features.Apis.Spec;

/// <summary>
/// The first YAML document of an upload as JSON, read with the catalog's YamlDotNet reader (<see cref="YamlDocuments"/>:
/// depth and alias expansion bounded). Microsoft.OpenApi's YAML reader (SharpYaml) refuses some valid YAML 1.2 that
/// real specs carry, such as OAuth scopes in a flow sequence (<c>petstore_auth: [write:pets, read:pets]</c>); the spec
/// is then read again through this and the JSON reader. Scalars are typed as that YAML reader types them, so both
/// paths give the same document: a plain scalar that parses as a number is a number, <c>true</c>/<c>false</c> a
/// boolean, <c>~</c>/<c>null</c> null, anything else and every quoted or block scalar a string.
/// </summary>
public static class YamlToJson
{
    /// <summary>A spec's own nodes are bounded by the upload limit; what its aliases stand for is bounded here.</summary>
    public const long MaxAliasExpansion = 5_000_000;

    /// <exception cref="YamlReadException">The text is not YAML, nests too deep, or its aliases expand too far.</exception>
    public static byte[] ToUtf8(SpecBytes body, long maxAliasExpansion = MaxAliasExpansion)
    {
        var root = YamlDocuments.Read(body.ToString(), maxAliasExpansion: maxAliasExpansion).FirstOrDefault()?.Root;
        return JsonSerializer.SerializeToUtf8Bytes(Json(root));
    }

    private static JsonNode? Json(YNode? node) => node switch
    {
        YMap map => new JsonObject(map.Entries.Select(e => KeyValuePair.Create(e.Key, Json(e.Value)))),
        YSequence seq => new JsonArray([.. seq.Items.Select(Json)]),
        YScalar { Value: null } => null,
        YScalar { Plain: true, Value: var plain } => Typed(plain),
        YScalar scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static JsonValue Typed(string value) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number)
        : bool.TryParse(value, out var flag) ? JsonValue.Create(flag)
        : JsonValue.Create(value);
}
