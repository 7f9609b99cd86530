using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace BackendPortal.Features.Apis.Spec;

public sealed record SpecDiagnostic(string Pointer, string Message, bool IsError);

public sealed record SpecReadResult(SpecIndex Index, IReadOnlyList<SpecDiagnostic> Diagnostics);

/// <summary>Input that is not an OpenAPI or Swagger document at all; nothing is stored.</summary>
public sealed class SpecUnreadableException(IReadOnlyList<SpecDiagnostic> problems)
    : Exception("The body is not an OpenAPI or Swagger document: " + string.Join("; ", problems.Select(p => p.Message)))
{
    public IReadOnlyList<SpecDiagnostic> Problems { get; } = problems;
}

/// <summary>Reads OpenAPI 3.0, 3.1 and Swagger 2.0 (JSON or YAML) with Microsoft.OpenApi and builds a <see cref="SpecIndex"/>.</summary>
public static partial class SpecReader
{
    private const int MaxInlineDepth = 40;
    private const int MaxExampleChars = 4000;

    /// <param name="mark">Called after each stage (probe, parse, index) with its name, for timing.</param>
    public static SpecReadResult Read(string text, Action<string>? mark = null)
    {
        using var body = SpecBytes.FromString(text);
        return Read(body, mark);
    }

    /// <summary>Reads the document from its UTF-8 bytes: the probe and the parser read them in place (no string, no copy).</summary>
    /// <param name="mark">Called after each stage (probe, parse, index) with its name, for timing.</param>
    public static SpecReadResult Read(SpecBytes body, Action<string>? mark = null)
    {
        var first = FirstNonWhiteSpace(body.Span);
        if (first is null)
        {
            throw new SpecUnreadableException([new SpecDiagnostic("", "The document is empty.", true)]);
        }
        var isJson = first.Value.Value is '{' or '[';
        var rootKeys = new HashSet<string>(StringComparer.Ordinal);
        var problems = isJson ? ProbeJson(body.Span, rootKeys) : ProbeYaml(body, rootKeys);
        if (problems.Count > 0)
        {
            throw new SpecUnreadableException(problems);
        }
        mark?.Invoke("probe");

        // The parser's validation (its default rules) walks the whole document once more; it runs below, beside the
        // index build, and its errors and warnings are added after the parser's, where the parser puts them.
        // A Swagger 2.0 document without `produces` names no media type for its responses; Swagger UI and most
        // generators take JSON then, where the parser's default would be application/octet-stream.
        var settings = new OpenApiReaderSettings { LoadExternalRefs = false, RuleSet = ValidationRuleSet.GetEmptyRuleSet(), DefaultContentType = ["application/json"] };
        settings.AddYamlReader();
        // OpenAPI 3.2 (September 2025) only adds to 3.1, and Microsoft.OpenApi 2.13 refuses its version number: it is
        // read as 3.1, with a warning that what only 3.2 has is not shown. Rare, so the copy is made only then.
        var newer = Version32(body.Span);
        using var rewritten = newer is null ? null : SpecBytes.FromString(Version32Pattern().Replace(body.ToString(), "${p}3.1.1", 1));
        var parsed = rewritten ?? body;
        ReadResult? result = null;
        Exception? failure = null;
        try
        {
            result = OpenApiDocument.Load(parsed.OpenRead(), isJson ? OpenApiConstants.Json : OpenApiConstants.Yaml, settings);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            failure = e;
        }
        // The parser's YAML reader (SharpYaml) refuses some valid YAML 1.2, such as scopes in a flow sequence
        // (`[read:pets]`): read such a document with YamlDotNet instead.
        if (result?.Document is null && !isJson && ReadAgainAsJson(() => YamlToJson.ToUtf8(parsed), settings) is { } second)
        {
            (result, failure) = (second, null);
        }
        // The parser crashes on boolean subschemas (see BooleanSchemas): read again with them in object form.
        BooleanSchemas.Repaired? repaired = null;
        IReadOnlyList<string> booleanSchemas = [];
        if (result?.Document is null && ReadAgainAsJson(() => (repaired = BooleanSchemas.Repair(parsed, isJson))?.Json, settings) is { } third)
        {
            (result, failure, booleanSchemas) = (third, null, repaired!.Pointers);
        }
        if (failure is not null || result is null)
        {
            // The parser throws more than its own exception types on documents it cannot take (an index error on a
            // Swagger 2.0 $ref to a whole other file, "Pet.yaml"): that is a 400 naming the cause, never a 500.
            var external = ExternalRefs(body.Span);
            var message = failure?.Message ?? "no document";
            throw new SpecUnreadableException(external.Count > 0
                ? [new SpecDiagnostic("", $"The document refers to other files ({string.Join(", ", external.Select(r => $"'{r}'"))}), which the portal does not read: upload one bundled document (e.g. with `redocly bundle` or `swagger-cli bundle`). The parser failed with: {message}", true)]
                : [new SpecDiagnostic("", $"The parser could not read the document: {message}", true)]);
        }
        var errors = result.Diagnostic?.Errors.Select(e => new SpecDiagnostic(CleanPointer(e.Pointer), e.Message, true)).ToList() ?? [];
        var warnings = result.Diagnostic?.Warnings.Select(e => new SpecDiagnostic(CleanPointer(e.Pointer), e.Message, false)).ToList() ?? [];
        if (booleanSchemas.Count > 0)
        {
            warnings.Insert(0, new SpecDiagnostic(booleanSchemas[0], $"{booleanSchemas.Count} boolean schema(s) (`true`/`false` where a schema goes, first at {booleanSchemas[0]}) are read as `{{}}` and `{{not: {{}}}}`, which mean the same: the parser cannot read them as written.", false));
        }
        if (newer is not null)
        {
            warnings.Insert(0, new SpecDiagnostic("/openapi", $"OpenAPI {newer} is read as 3.1: what only 3.2 has (the `query` method, `additionalOperations`, `$self`, tag hierarchy) is not shown or compared.", false));
        }
        // References to other files are not loaded (the portal stores one document): what they hold is missing from
        // the reference, the score and the diff, and the parser says nothing about it.
        warnings.AddRange(ExternalRefs(body.Span).Select(r => new SpecDiagnostic("", $"'{r}' refers to another file, which is not read: what it holds is missing here. Upload one bundled document (e.g. with `redocly bundle`) to see it.", false)));
        if (result.Document is not { } document)
        {
            List<SpecDiagnostic> all = [.. errors, .. warnings];
            throw new SpecUnreadableException(all.Count > 0 ? all : [new SpecDiagnostic("", "The parser could not read a document.", true)]);
        }
        var version = result.Diagnostic?.SpecificationVersion switch
        {
            OpenApiSpecVersion.OpenApi2_0 => "2.0",
            OpenApiSpecVersion.OpenApi3_1 => "3.1",
            _ => "3.0",
        };
        mark?.Invoke("parse");
        // The index build and the parser's validation on both cores: Parallel.Invoke runs one of them on this thread
        // and joins them without parking a thread on a task.
        SpecIndex index = null!;
        List<OpenApiError> found = [];
        Exception? validationFailure = null;
        void Build()
        {
            // Only Swagger 2.0 has `type: file`; the decoded text is needed only for such a document.
            var files = version == "2.0" && body.Span.IndexOf("file"u8) >= 0 && body.ToString() is var text && FileType().IsMatch(text)
                ? FileResponses(text, isJson)
                : null;
            index = new IndexBuilder(document, version, rootKeys.Contains("security"), files).Build();
            mark?.Invoke("index");
        }
        void Validate()
        {
            try
            {
                found = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
            }
            catch (Exception e) when (IsParserFailure(e))
            {
                validationFailure = e;
            }
        }
        try
        {
            Parallel.Invoke(Build, Validate);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // The index builder's own exception, as it was before the two ran side by side.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        if (validationFailure is not null)
        {
            throw new SpecUnreadableException([new SpecDiagnostic("", validationFailure.Message, true)]);
        }
        // OpenAPI 3.1 made an operation's `responses` optional, but the parser's rule still wants at least one; a
        // missing success response is the score's own rule (operation-success-response), not a document error.
        errors.AddRange(found.OfType<OpenApiValidatorError>()
            .Where(e => !(version == "3.1" && e.RuleName == nameof(OpenApiResponsesRules.ResponsesMustContainAtLeastOneResponse)))
            .Select(e => new SpecDiagnostic(CleanPointer(e.Pointer), e.Message, true)));
        warnings.AddRange(found.OfType<OpenApiValidatorWarning>().Select(e => new SpecDiagnostic(CleanPointer(e.Pointer), e.Message, false)));
        mark?.Invoke("validate");
        return new SpecReadResult(index, [.. errors, .. warnings]);
    }

    /// <summary>The document given to the parser again, as JSON another reader made; null when that fails too, and the first errors stand.</summary>
    private static ReadResult? ReadAgainAsJson(Func<byte[]?> json, OpenApiReaderSettings settings)
    {
        try
        {
            if (json() is not { } bytes)
            {
                return null;
            }
            var result = OpenApiDocument.Load(new MemoryStream(bytes, writable: false), OpenApiConstants.Json, settings);
            return result.Document is null ? null : result;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            return null;
        }
    }

    private static bool IsParserFailure(Exception e) =>
        e is OpenApiException or JsonException or FormatException or InvalidOperationException or ArgumentException;

    private static string CleanPointer(string? pointer) => string.IsNullOrEmpty(pointer) ? "" : pointer.TrimStart('#');

    /// <summary>The first character that is not white space (as <see cref="string.TrimStart()"/> sees it), or null.</summary>
    private static Rune? FirstNonWhiteSpace(ReadOnlySpan<byte> utf8)
    {
        while (Rune.DecodeFromUtf8(utf8, out var rune, out var used) is System.Buffers.OperationStatus.Done)
        {
            if (!Rune.IsWhiteSpace(rune))
            {
                return rune;
            }
            utf8 = utf8[used..];
        }
        return null;
    }

    /// <summary>Reads only the top level of a JSON document: syntax errors (with line and position) and the fields that make it OpenAPI.</summary>
    private static List<SpecDiagnostic> ProbeJson(ReadOnlySpan<byte> bytes, HashSet<string> keys)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 1024 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return [new SpecDiagnostic("", "The JSON document must be an object with an 'openapi' or 'swagger' field.", true)];
            }
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    break;
                }
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    keys.Add(reader.GetString()!);
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            return [new SpecDiagnostic("", $"Not valid JSON: {e.Message}", true)];
        }
        return CheckRootKeys(keys);
    }

    private static List<SpecDiagnostic> ProbeYaml(SpecBytes body, HashSet<string> keys)
    {
        RootKeys(body.Span, keys);
        if (keys.Count == 0 && FirstNonWhiteSpace(body.Span) != new Rune('{'))
        {
            // Not block-style YAML at the top: let the YAML reader say what is wrong and where.
            try
            {
                var settings = new OpenApiReaderSettings { LoadExternalRefs = false };
                settings.AddYamlReader();
                var r = OpenApiDocument.Load(body.OpenRead(), OpenApiConstants.Yaml, settings);
                var errors = r.Diagnostic?.Errors.Select(e => new SpecDiagnostic(CleanPointer(e.Pointer), e.Message, true)).ToList() ?? [];
                return errors.Count > 0 ? errors : [new SpecDiagnostic("", "The document is neither JSON nor a YAML mapping with an 'openapi' or 'swagger' field.", true)];
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return [new SpecDiagnostic("", $"Not valid YAML or JSON: {e.Message}", true)];
            }
        }
        return keys.Count == 0 ? [] : CheckRootKeys(keys);
    }

    private static readonly (string Name, byte[] Utf8)[] RootKeyNames =
        [.. new[] { "openapi", "swagger", "paths", "webhooks", "security" }.Select(n => (n, Encoding.ASCII.GetBytes(n)))];

    /// <summary>
    /// The top-level keys that make a YAML document OpenAPI, from the bytes: a line that starts (column 0) with one of
    /// them, bare or in matching quotes, then spaces or tabs and a colon.
    /// </summary>
    private static void RootKeys(ReadOnlySpan<byte> utf8, HashSet<string> keys)
    {
        while (!utf8.IsEmpty)
        {
            var line = utf8;
            var end = utf8.IndexOf((byte)'\n');
            if (end >= 0)
            {
                line = utf8[..end];
                utf8 = utf8[(end + 1)..];
            }
            else
            {
                utf8 = default;
            }
            var quote = line.Length > 0 && line[0] is (byte)'"' or (byte)'\'' ? line[0] : (byte)0;
            var rest = quote == 0 ? line : line[1..];
            foreach (var (name, bytes) in RootKeyNames)
            {
                if (!rest.StartsWith(bytes))
                {
                    continue;
                }
                var after = rest[bytes.Length..];
                if (quote != 0)
                {
                    if (after.IsEmpty || after[0] != quote)
                    {
                        continue;
                    }
                    after = after[1..];
                }
                after = after.TrimStart(" \t"u8);
                if (!after.IsEmpty && after[0] == (byte)':')
                {
                    keys.Add(name);
                }
            }
        }
    }

    private static List<SpecDiagnostic> CheckRootKeys(HashSet<string> keys)
    {
        var problems = new List<SpecDiagnostic>();
        if (!keys.Contains("openapi") && !keys.Contains("swagger"))
        {
            problems.Add(new SpecDiagnostic("/openapi", "There is no 'openapi' field (OpenAPI 3.x) or 'swagger' field (Swagger 2.0) at the top of the document.", true));
        }
        if (!keys.Contains("paths") && !keys.Contains("webhooks"))
        {
            problems.Add(new SpecDiagnostic("/paths", "There is no 'paths' object (nor, in OpenAPI 3.1, 'webhooks') at the top of the document.", true));
        }
        return problems;
    }

    [GeneratedRegex("""["']?type["']?[ \t]*:[ \t]*["']?file\b""")]
    private static partial Regex FileType();

    /// <summary>
    /// Swagger 2.0 allows <c>type: file</c> only on a response's schema (and formData parameters). Microsoft.OpenApi
    /// reads such a schema as a plain <c>string</c> and keeps no trace of <c>file</c>, so the raw document is read
    /// once more, only when it mentions that type, for the responses that carry it: keys "path METHOD status" and
    /// "responses/Name" for the document's shared responses.
    /// </summary>
    internal static HashSet<string> FileResponses(string text, bool isJson)
    {
        try
        {
            if (isJson)
            {
                var root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 1024 });
                return FileResponses(root, static (n, k) => n is JsonObject o && o.TryGetPropertyValue(k, out var v) ? v : null,
                    static n => n is JsonObject o ? o.Select(p => KeyValuePair.Create(p.Key, p.Value)) : [],
                    static n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null);
            }
            var doc = Catalog.YamlDocuments.Read(text).FirstOrDefault()?.Root;
            return FileResponses(doc, static (n, k) => n is Catalog.YMap m ? m[k] : null,
                static n => n is Catalog.YMap m ? m.Entries.Select(e => KeyValuePair.Create<string, Catalog.YNode?>(e.Key, e.Value)) : [],
                static n => n is Catalog.YScalar s ? s.Value : null);
        }
        catch (Exception e) when (e is JsonException or Catalog.YamlReadException or InvalidOperationException or ArgumentException)
        {
            // The parser already read the document; this second look only refines how file bodies are shown.
            return [];
        }
    }

    private static HashSet<string> FileResponses<T>(T? root, Func<T, string, T?> get, Func<T, IEnumerable<KeyValuePair<string, T?>>> entries, Func<T, string?> text)
        where T : class
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (root is null)
        {
            return found;
        }
        bool IsFile(T? response) =>
            response is not null && get(response, "schema") is { } schema && get(schema, "type") is { } type && text(type) == "file";
        if (get(root, "responses") is { } shared)
        {
            foreach (var (name, response) in entries(shared))
            {
                if (IsFile(response))
                {
                    found.Add("responses/" + name);
                }
            }
        }
        if (get(root, "paths") is not { } paths)
        {
            return found;
        }
        foreach (var (path, item) in entries(paths))
        {
            if (item is null)
            {
                continue;
            }
            foreach (var (method, op) in entries(item))
            {
                if (op is null || get(op, "responses") is not { } responses)
                {
                    continue;
                }
                foreach (var (status, response) in entries(responses))
                {
                    if (IsFile(response))
                    {
                        found.Add($"{path} {method.ToUpperInvariant()} {status}");
                    }
                }
            }
        }
        return found;
    }

    /// <summary>
    /// The top-level <c>openapi: 3.2.x</c> (at a line's start, as the field is written at the root), or null. The
    /// bytes are scanned for the key: no string of a multi-MB document for a check nearly every document fails.
    /// </summary>
    internal static string? Version32(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (utf8[offset..].IndexOf("openapi"u8) is var at and >= 0)
        {
            var start = offset + at;
            offset = start + 7;
            var before = start;
            while (before > 0 && utf8[before - 1] is (byte)'"' or (byte)'\'' or (byte)' ' or (byte)'\t' or (byte)'{')
            {
                before--;
            }
            if (before > 0 && utf8[before - 1] is not ((byte)'\n' or (byte)'\r'))
            {
                continue;
            }
            var line = utf8[start..];
            var end = line.IndexOfAny("\r\n,}"u8);
            var head = Encoding.UTF8.GetString(end < 0 ? line : line[..end]);
            if (Version32Pattern().Match(head) is { Success: true } m)
            {
                return m.Groups["v"].Value;
            }
        }
        return null;
    }

    [GeneratedRegex("""(?<p>^[ \t]*\{?[ \t]*["']?openapi["']?[ \t]*:[ \t]*["']?)(?<v>3\.2\.\d+)""", RegexOptions.Multiline)]
    private static partial Regex Version32Pattern();

    private const int MaxExternalRefs = 10;

    /// <summary>
    /// The distinct <c>$ref</c> values that point into another file or URL (not <c>#/...</c>), at most ten, scanned in
    /// the bytes: each <c>$ref</c> key is found with a vectorised search and only its value is decoded.
    /// </summary>
    internal static List<string> ExternalRefs(string text) => ExternalRefs(Encoding.UTF8.GetBytes(text));

    internal static List<string> ExternalRefs(ReadOnlySpan<byte> utf8)
    {
        var found = new List<string>();
        var offset = 0;
        while (found.Count < MaxExternalRefs && utf8[offset..].IndexOf("$ref"u8) is var at and >= 0)
        {
            var i = offset + at + 4;
            offset = i;
            if (i < utf8.Length && utf8[i] is (byte)'"' or (byte)'\'')
            {
                i++;
            }
            while (i < utf8.Length && utf8[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }
            if (i >= utf8.Length || utf8[i] != (byte)':')
            {
                continue;
            }
            i++;
            while (i < utf8.Length && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'"' or (byte)'\'')
            {
                i++;
            }
            var rest = utf8[i..];
            var length = rest.IndexOfAny("\"' \t\r\n{}[],"u8);
            var value = rest[..(length < 0 ? rest.Length : length)];
            if (value.IsEmpty || value[0] == (byte)'#')
            {
                continue;
            }
            var target = Encoding.UTF8.GetString(value);
            if (!found.Contains(target))
            {
                found.Add(target);
            }
        }
        return found;
    }

    internal static string? Example(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        var s = JsonNullSentinel.IsJsonNullSentinel(node) ? "null"
            : node is JsonValue v && v.TryGetValue<string>(out var str) ? str
            : WithNulls(node.ToJsonString(PrettyJson));
        return s.Length > MaxExampleChars ? s[..MaxExampleChars] + "…" : s;
    }

    /// <summary>
    /// The parser reads a JSON or YAML null as a sentinel string (so "null" and "absent" differ); it must not be shown.
    /// Its text is a tagged GUID, so replacing it in the serialised JSON cannot touch a real value.
    /// </summary>
    private static string WithNulls(string json) =>
        json.Contains(NullSentinelJson, StringComparison.Ordinal) ? json.Replace(NullSentinelJson, "null", StringComparison.Ordinal) : json;

    private static readonly string NullSentinelJson = JsonNullSentinel.JsonNull.ToJsonString();

    private static string EnumValue(JsonNode? value) =>
        value is null || JsonNullSentinel.IsJsonNullSentinel(value) ? "null"
            : value is JsonValue jv && jv.TryGetValue<string>(out var s) ? s
            : WithNulls(value.ToJsonString());

    private static readonly JsonSerializerOptions PrettyJson = new() { WriteIndented = true };

#pragma warning disable CS0618 // 'example' (3.0) is still what most documents carry; Examples is the 3.1 form.
    /// <param name="hasSecurity">The document has a top-level <c>security</c> (the parser gives an empty list for none and for <c>[]</c>).</param>
    /// <param name="fileResponses">Swagger 2.0 responses whose schema is <c>type: file</c> (see <see cref="FileResponses"/>).</param>
    private sealed class IndexBuilder(OpenApiDocument doc, string version, bool hasSecurity, HashSet<string>? fileResponses)
    {
        private readonly HashSet<string> referenced = new(StringComparer.Ordinal);
        private readonly Dictionary<string, object> components = new(StringComparer.Ordinal);

        public SpecIndex Build()
        {
            var index = new SpecIndex
            {
                SpecVersion = version,
                Title = doc.Info?.Title,
                InfoVersion = doc.Info?.Version,
                Description = doc.Info?.Description,
                HasContact = doc.Info?.Contact is { } c && (c.Name is not null || c.Email is not null || c.Url is not null),
                Tags = doc.Tags?.Where(t => t.Name is not null).Select(t => new SpecTag(t.Name!, t.Description)).ToList() ?? [],
                SecuritySchemes = doc.Components?.SecuritySchemes?.Keys.ToList() ?? [],
            };
            var globalSecurity = Security(doc.Security);
            index.DocumentSecurity = hasSecurity || globalSecurity.Count > 0 ? globalSecurity : null;
            foreach (var (path, item) in doc.Paths ?? [])
            {
                if (item?.Operations is null)
                {
                    continue;
                }
                var shared = item.Parameters ?? [];
                foreach (var (method, op) in item.Operations)
                {
                    index.Operations.Add(Operation(path, method.Method.ToUpperInvariant(), op, shared, globalSecurity));
                }
            }
            // OpenAPI 3.1 webhooks: Path Items keyed by name, sent by the API to its subscribers. The document's security
            // is the API's, not what a subscriber's endpoint asks for, so only a webhook's own security is kept.
            foreach (var (name, item) in doc.Webhooks ?? new Dictionary<string, IOpenApiPathItem>())
            {
                foreach (var (method, op) in item?.Operations ?? [])
                {
                    var webhook = Operation(name, method.Method.ToUpperInvariant(), op, item!.Parameters ?? [], []);
                    webhook.Kind = SpecOperationKinds.Webhook;
                    index.Operations.Add(webhook);
                }
            }
            foreach (var (name, schema) in doc.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            {
                index.Schemas[name] = Schema(schema, 0, top: true) ?? new SpecSchema();
            }
            index.UnusedComponents = Unused(index);
            return index;
        }

        private SpecOperation Operation(string path, string method, OpenApiOperation op, IList<IOpenApiParameter> shared, List<List<string>> globalSecurity, bool callbacks = true)
        {
            // A parameter $ref that resolves to nothing (another file, or a missing component) has no name or
            // location to show; the parser's diagnostics (and the external-file warning) say what is missing.
            var parameters = (op.Parameters ?? []).Where(Resolved).Select(Parameter).ToList();
            var own = parameters.Count;
            // Operation-level parameters override path-level ones with the same name and location.
            foreach (var p in shared.Where(Resolved).Select(Parameter))
            {
                if (!parameters.Take(own).Any(o => o.Name == p.Name && o.In == p.In))
                {
                    parameters.Add(p);
                }
            }
            return new SpecOperation
            {
                Method = method,
                Path = path,
                OperationId = string.IsNullOrWhiteSpace(op.OperationId) ? null : op.OperationId,
                Summary = op.Summary,
                Description = op.Description,
                Tags = op.Tags?.Select(t => t.Name).Where(n => n is not null).Select(n => n!).ToList() ?? [],
                Deprecated = op.Deprecated,
                Parameters = parameters,
                RequestBody = op.RequestBody is { } body ? Body(body) : null,
                Responses = op.Responses?.Select(r => Response(path, method, r.Key, r.Value)).ToList() ?? [],
                Security = op.Security is null ? globalSecurity : Security(op.Security),
                OwnSecurity = op.Security is not null,
                Callbacks = callbacks && op.Callbacks is { Count: > 0 } list ? Callbacks(list) : null,
            };
        }

        private List<SpecCallback>? Callbacks(IDictionary<string, IOpenApiCallback> callbacks)
        {
            var list = new List<SpecCallback>();
            foreach (var (name, callback) in callbacks)
            {
                if (callback is OpenApiCallbackReference { Reference.Id: { } id })
                {
                    referenced.Add("callbacks/" + id);
                }
                foreach (var (expression, item) in callback?.PathItems ?? new Dictionary<RuntimeExpression, IOpenApiPathItem>())
                {
                    var url = expression?.Expression ?? "";
                    foreach (var (method, op) in item?.Operations ?? [])
                    {
                        // Callbacks inside callbacks are not followed (Spectral's oas3-callbacks-in-callbacks flags them).
                        var operation = Operation(url, method.Method.ToUpperInvariant(), op, item!.Parameters ?? [], [], callbacks: false);
                        operation.Kind = SpecOperationKinds.Callback;
                        list.Add(new SpecCallback { Name = name, Expression = url, Operation = operation });
                    }
                }
            }
            return list.Count > 0 ? list : null;
        }

        private static bool Resolved(IOpenApiParameter p) => p is not OpenApiParameterReference { Name: null, In: null };

        private static List<List<string>> Security(IList<OpenApiSecurityRequirement>? requirements) =>
            requirements?.Select(r => r.Keys.Select(k => k.Reference?.Id ?? "").Where(k => k.Length > 0).ToList()).ToList() ?? [];

        private SpecParameter Parameter(IOpenApiParameter p) =>
            p is OpenApiParameterReference { Reference: { Id: { } id, Description: null } }
                ? Once("parameters/" + id, p, BuildParameter)
                : BuildParameter(p);

        private SpecParameter BuildParameter(IOpenApiParameter p)
        {
            Track(p, "parameters");
            return new SpecParameter
            {
                Name = p.Name ?? "",
                In = p.In switch
                {
                    null => "",
                    ParameterLocation.Query => "query",
                    ParameterLocation.Header => "header",
                    ParameterLocation.Path => "path",
                    ParameterLocation.Cookie => "cookie",
                    { } other => other.ToString().ToLowerInvariant(),
                },
                Required = p.Required,
                Deprecated = p.Deprecated,
                Description = p.Description,
                Schema = p.Schema is { } s ? Schema(s, 0) : p.Content?.Values.FirstOrDefault()?.Schema is { } cs ? Schema(cs, 0) : null,
                Example = Example(p.Example) ?? Example(p.Examples?.Values.FirstOrDefault()?.Value),
            };
        }

        private SpecBody Body(IOpenApiRequestBody body) =>
            body is OpenApiRequestBodyReference { Reference: { Id: { } id, Description: null } }
                ? Once("requestBodies/" + id, body, BuildBody)
                : BuildBody(body);

        private SpecBody BuildBody(IOpenApiRequestBody body)
        {
            Track(body, "requestBodies");
            var built = new SpecBody { Required = body.Required, Description = body.Description, Content = Content(body.Content) };
            if (version == "2.0" && body is OpenApiRequestBody && !(body.Extensions?.ContainsKey(OpenApiConstants.BodyName) ?? false))
            {
                FormBody(built);
            }
            return built;
        }

        private static readonly string[] FormMediaTypes = ["application/x-www-form-urlencoded", "multipart/form-data"];

        /// <summary>
        /// Swagger 2.0 <c>formData</c> parameters: the parser makes one object schema of them under the operation's
        /// (else the document's) <c>consumes</c>, even JSON. A form is sent form-encoded whatever <c>consumes</c> says
        /// (Spectral's oas2-operation-formData-consume-check), multipart when it carries a file (<c>type: file</c>).
        /// </summary>
        private static void FormBody(SpecBody body)
        {
            if (body.Content.Count == 0)
            {
                return;
            }
            var form = body.Content[0].Schema;
            body.Required |= form?.Required is { Count: > 0 };
            if (body.Content.Exists(c => FormMediaTypes.Contains(c.MediaType, StringComparer.OrdinalIgnoreCase)))
            {
                body.Content.RemoveAll(c => !FormMediaTypes.Contains(c.MediaType, StringComparer.OrdinalIgnoreCase));
                return;
            }
            var file = form?.Properties?.Values.Any(p => p.Format == "binary") ?? false;
            body.Content = [new SpecContent { MediaType = file ? "multipart/form-data" : "application/x-www-form-urlencoded", Schema = form, Example = body.Content[0].Example }];
        }

        private SpecResponse Response(string path, string method, string status, IOpenApiResponse response)
        {
            var (description, content) = response is OpenApiResponseReference { Reference: { Id: { } id, Description: null } }
                ? Once("responses/" + id, response, BuildResponse)
                : BuildResponse(response);
            if (fileResponses is not null
                && (fileResponses.Contains($"{path} {method} {status}")
                    || (response is OpenApiResponseReference { Reference.Id: { } refId } && fileResponses.Contains("responses/" + refId))))
            {
                // What OpenAPI 3 writes for a Swagger 2.0 file response (and what converters produce): a binary string.
                content = content.Select(c => new SpecContent
                {
                    MediaType = c.MediaType,
                    Schema = new SpecSchema { Type = "string", Format = "binary", Title = c.Schema?.Title, Description = c.Schema?.Description },
                    Example = c.Example,
                }).ToList();
            }
            return new SpecResponse { Status = status, Description = description, Content = content };
        }

        private Tuple<string?, List<SpecContent>> BuildResponse(IOpenApiResponse response)
        {
            Track(response, "responses");
            return Tuple.Create(response.Description, Content(response.Content));
        }

        /// <summary>
        /// Every property read through a $ref resolves it again (a lookup and a cycle guard), and large documents use
        /// the same few components thousands of times: a component referred to without overrides is read once and its
        /// result shared (nothing changes an index once built).
        /// </summary>
        private T Once<TElement, T>(string key, TElement element, Func<TElement, T> build) where T : class
        {
            if (components.TryGetValue(key, out var done))
            {
                return (T)done;
            }
            var value = build(element);
            components[key] = value;
            return value;
        }

        /// <remarks>
        /// A Swagger 2.0 response without <c>schema</c> has no body, but the parser still gives it one media type per
        /// <c>produces</c> entry, each without a schema: those are left out (one with an example of its own stays).
        /// </remarks>
        private List<SpecContent> Content(IDictionary<string, OpenApiMediaType>? content) =>
            content?.Where(c => version != "2.0" || c.Value.Schema is not null || c.Value.Example is not null || c.Value.Examples is { Count: > 0 })
            .Select(c => new SpecContent
            {
                MediaType = c.Key,
                Schema = c.Value.Schema is { } s ? Schema(s, 0) : null,
                Example = Example(c.Value.Example) ?? Example(c.Value.Examples?.Values.FirstOrDefault()?.Value) ?? (c.Value.Schema is { } sc ? SchemaExample(sc) : null),
            }).ToList() ?? [];

        private void Track(object element, string kind)
        {
            if (element is IOpenApiReferenceHolder { UnresolvedReference: false } holder && element is IOpenApiReferenceHolder<BaseOpenApiReference> typed)
            {
                _ = holder;
                referenced.Add($"{kind}/{typed.Reference.Id}");
            }
            else if (element is OpenApiParameterReference pr)
            {
                referenced.Add($"{kind}/{pr.Reference.Id}");
            }
            else if (element is OpenApiResponseReference rr)
            {
                referenced.Add($"{kind}/{rr.Reference.Id}");
            }
            else if (element is OpenApiRequestBodyReference br)
            {
                referenced.Add($"{kind}/{br.Reference.Id}");
            }
        }

        private SpecSchema? Schema(IOpenApiSchema? schema, int depth, bool top = false)
        {
            if (schema is null)
            {
                return null;
            }
            if (!top && schema is OpenApiSchemaReference r && r.Reference.Id is { } id)
            {
                return r.Reference.Description is null
                    ? Once("schema-ref/" + id, r, static r => new SpecSchema { Ref = r.Reference.Id, Description = r.Description })
                    : new SpecSchema { Ref = id, Description = r.Description };
            }
            if (depth > MaxInlineDepth)
            {
                return new SpecSchema { Type = "object", Description = "(nested too deeply to show)" };
            }
            var type = schema.Type;
            var nullable = type is { } t && t.HasFlag(JsonSchemaType.Null);
            // 3.1 `type: "null"` alone (a member of anyOf/oneOf making a reference nullable) is the null type, not "any".
            var typeName = type is null ? null : type.Value == JsonSchemaType.Null && version == "3.1" ? "null" : TypeName(type.Value & ~JsonSchemaType.Null);
            return new SpecSchema
            {
                Type = typeName,
                Format = schema.Format,
                Title = schema.Title,
                Description = schema.Description,
                Nullable = nullable,
                Deprecated = schema.Deprecated,
                ReadOnly = schema.ReadOnly,
                WriteOnly = schema.WriteOnly,
                Properties = schema.Properties is { Count: > 0 } props
                    ? props.ToDictionary(p => p.Key, p => Schema(p.Value, depth + 1) ?? new SpecSchema())
                    : null,
                Required = schema.Required is { Count: > 0 } req ? [.. req] : null,
                Items = Schema(schema.Items, depth + 1),
                AdditionalProperties = Schema(schema.AdditionalProperties, depth + 1),
                // JSON Schema's const is an enum of one value (3.1 documents use it for fixed fields such as an event's action).
                Enum = schema.Enum is { Count: > 0 } e ? e.Select(EnumValue).ToList()
                    : schema.Const is { } constant ? [constant] : null,
                AllOf = List(schema.AllOf, depth),
                OneOf = List(schema.OneOf, depth),
                AnyOf = List(schema.AnyOf, depth),
                Example = Example(schema.Example) ?? Example(schema.Examples?.FirstOrDefault()),
            };
        }

        private string? SchemaExample(IOpenApiSchema schema) =>
            schema is OpenApiSchemaReference { Reference: { Id: { } id, Example: null, Examples: null } }
                ? Once("schema-example/" + id, schema, static s => new Box(Example(s.Example))).Value
                : Example(schema.Example);

        private sealed record Box(string? Value);

        private List<SpecSchema>? List(IList<IOpenApiSchema>? schemas, int depth) =>
            schemas is { Count: > 0 } ? schemas.Select(s => Schema(s, depth + 1) ?? new SpecSchema()).ToList() : null;

        private static string? TypeName(JsonSchemaType type) => type switch
        {
            JsonSchemaType.String => "string",
            JsonSchemaType.Integer => "integer",
            JsonSchemaType.Number => "number",
            JsonSchemaType.Boolean => "boolean",
            JsonSchemaType.Object => "object",
            JsonSchemaType.Array => "array",
            0 => null,
            _ => string.Join("|", Enum.GetValues<JsonSchemaType>().Where(f => f != JsonSchemaType.Null && type.HasFlag(f)).Select(f => f.ToString().ToLowerInvariant())),
        };

        private List<string> Unused(SpecIndex index)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<SpecSchema>();
            foreach (var op in index.Operations.Concat(index.Operations.SelectMany(o => o.Callbacks ?? []).Select(c => c.Operation)))
            {
                foreach (var p in op.Parameters)
                {
                    Push(pending, p.Schema);
                }
                foreach (var c in (op.RequestBody?.Content ?? []).Concat(op.Responses.SelectMany(r => r.Content)))
                {
                    Push(pending, c.Schema);
                }
            }
            while (pending.TryPop(out var s))
            {
                if (s.Ref is { } name)
                {
                    if (used.Add(name) && index.Schemas.TryGetValue(name, out var target))
                    {
                        pending.Push(target);
                    }
                    continue;
                }
                foreach (var child in Children(s))
                {
                    pending.Push(child);
                }
            }
            var unused = index.Schemas.Keys.Where(k => !used.Contains(k)).Select(k => "schemas/" + k).ToList();
            foreach (var (kind, names) in new (string, IEnumerable<string>?)[]
            {
                ("parameters", doc.Components?.Parameters?.Keys),
                ("responses", doc.Components?.Responses?.Keys),
                ("requestBodies", doc.Components?.RequestBodies?.Keys),
                ("callbacks", doc.Components?.Callbacks?.Keys),
            })
            {
                unused.AddRange((names ?? []).Select(n => $"{kind}/{n}").Where(k => !referenced.Contains(k)));
            }
            return unused;

            static void Push(Stack<SpecSchema> stack, SpecSchema? s)
            {
                if (s is not null)
                {
                    stack.Push(s);
                }
            }
        }
    }

#pragma warning restore CS0618

    public static IEnumerable<SpecSchema> Children(SpecSchema s)
    {
        if (s.Properties is not null)
        {
            foreach (var p in s.Properties.Values)
            {
                yield return p;
            }
        }
        if (s.Items is not null)
        {
            yield return s.Items;
        }
        if (s.AdditionalProperties is not null)
        {
            yield return s.AdditionalProperties;
        }
        foreach (var list in new[] { s.AllOf, s.OneOf, s.AnyOf })
        {
            if (list is not null)
            {
                foreach (var x in list)
                {
                    yield return x;
                }
            }
        }
    }
}
