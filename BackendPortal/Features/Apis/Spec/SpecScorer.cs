namespace BackendPortal.Features.Apis.Spec;

public sealed record SpecFinding(string Rule, string Severity, string Location, string Message);

public sealed record ScoreRule(string Id, int Weight, string Severity, string Description, string After);

public sealed record RuleOutcome(string Rule, int Weight, int Checked, int Failed, double Lost);

public sealed record SpecScore(int Score, IReadOnlyList<RuleOutcome> Rules, IReadOnlyList<SpecFinding> Findings);

/// <summary>
/// The documentation score. Each rule checks a set of items (operations, parameters, properties...)
/// and loses its weight in proportion to the items that fail; the weights add up to 100. Rule ids
/// follow Spectral's recommended OpenAPI ruleset where Spectral has the rule.
/// </summary>
public static partial class SpecScorer
{
    public static readonly IReadOnlyList<ScoreRule> Rules =
    [
        new("info-description", 5, "warn", "The API (info) has a description.", "Spectral info-description"),
        new("info-contact", 5, "warn", "The API (info) names a contact.", "Spectral info-contact"),
        new("operation-description", 10, "warn", "Each operation has a summary or a description.", "Spectral operation-description"),
        new("operation-operationId", 5, "warn", "Each operation has an operationId.", "Spectral operation-operationId"),
        new("operation-operationId-unique", 5, "error", "No two operations share an operationId.", "Spectral operation-operationId-unique"),
        new("operation-tags", 5, "warn", "Each operation has at least one tag.", "Spectral operation-tags"),
        new("operation-success-response", 10, "warn", "Each operation has a 2xx or 3xx response.", "Spectral operation-success-response"),
        new("operation-4xx-response", 10, "warn", "Each operation documents at least one 4xx response.", "Portal rule"),
        new("parameter-description", 10, "warn", "Each parameter has a description.", "Spectral oas3-parameter-description"),
        new("property-description", 5, "info", "Each schema property has a description.", "Portal rule"),
        new("media-schema", 5, "warn", "Each request and response body has a schema.", "Portal rule"),
        new("media-examples", 5, "info", "Each request and response body has an example.", "Portal rule (Spectral oas3-valid-media-example checks the ones present)"),
        new("path-params", 5, "error", "Each {parameter} in a path is declared as a path parameter, and each declared path parameter is in the path.", "Spectral path-params"),
        new("security-defined", 5, "warn", "The API defines security schemes, every operation has security in force (security: [] or only {} counts as none), and every scheme named is defined.", "Spectral oas3-operation-security-defined"),
        new("unused-components", 5, "warn", "Every component (schema, parameter, response, request body) is used.", "Spectral oas3-unused-component"),
        new("parser", 5, "error", "The parser reports no errors; each error costs one point of this rule's weight.", "Spectral oas3-schema"),
    ];

    public static SpecScore Score(SpecIndex index, IReadOnlyList<SpecDiagnostic> diagnostics)
    {
        var findings = new List<SpecFinding>();
        var outcomes = new List<RuleOutcome>();
        var rules = Rules.ToDictionary(r => r.Id);

        // Items that pass are only counted: their pointer and message are built for failures alone (a large document
        // has hundreds of thousands of passing items).
        void Check<T>(string rule, IEnumerable<T> items, Func<T, bool> ok, Func<T, (string Location, string Message)> describe)
        {
            var r = rules[rule];
            int total = 0, failed = 0;
            foreach (var item in items)
            {
                total++;
                if (!ok(item))
                {
                    failed++;
                    var (location, message) = describe(item);
                    findings.Add(new SpecFinding(rule, r.Severity, location, message));
                }
            }
            outcomes.Add(new RuleOutcome(rule, r.Weight, total, failed, total == 0 ? 0 : r.Weight * (double)failed / total));
        }

        void CheckLazy(string rule, IEnumerable<(bool Ok, Func<(string Location, string Message)> Describe)> items) =>
            Check(rule, items, static i => i.Ok, static i => i.Describe());

        var ops = index.Operations;
        Check("info-description", [index], static i => !string.IsNullOrWhiteSpace(i.Description), static _ => ("/info/description", "The API has no description (info.description)."));
        Check("info-contact", [index], static i => i.HasContact, static _ => ("/info/contact", "The API names no contact (info.contact)."));
        Check("operation-description", ops, static o => !string.IsNullOrWhiteSpace(o.Summary) || !string.IsNullOrWhiteSpace(o.Description),
            static o => (Ptr(o), $"{o.Label} has neither a summary nor a description."));
        Check("operation-operationId", ops, static o => o.OperationId is not null, static o => (Ptr(o, "operationId"), $"{o.Label} has no operationId."));
        // operationIds are unique among all the operations the document describes, callbacks' included (OpenAPI 3.x).
        var withIds = ops.Where(o => o.OperationId is not null).Select(o => (Op: o, Pointer: (Func<string>)(() => Ptr(o, "operationId")), Name: o.Label))
            .Concat(ops.Where(o => o.Callbacks is not null).SelectMany(o => o.Callbacks!.Where(c => c.Operation.OperationId is not null)
                .Select(c => (Op: c.Operation, Pointer: (Func<string>)(() => Ptr(o, "callbacks", c.Name, c.Expression, c.Operation.Method.ToLowerInvariant(), "operationId")),
                    Name: $"callback '{c.Name}' {c.Operation.Method} of {o.Label}"))))
            .ToList();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (o, _, _) in withIds)
        {
            ids[o.OperationId!] = ids.GetValueOrDefault(o.OperationId!) + 1;
        }
        Check("operation-operationId-unique", withIds, x => ids[x.Op.OperationId!] == 1,
            x => (x.Pointer(), $"operationId '{x.Op.OperationId}' of {x.Name} is used by {ids[x.Op.OperationId!] - 1} other operation(s)."));
        Check("operation-tags", ops, static o => o.Tags.Count > 0, static o => (Ptr(o, "tags"), $"{o.Label} has no tags."));
        Check("operation-success-response", ops, static o => o.Responses.Exists(r => r.Status.Length == 3 && r.Status[0] is '2' or '3' || r.Status is "2XX" or "3XX"),
            static o => (Ptr(o, "responses"), $"{o.Label} documents no success (2xx or 3xx) response."));
        // A webhook's responses are what subscribers answer: the API documents no failures of its own there.
        Check("operation-4xx-response", ops.Where(static o => !o.IsWebhook), static o => o.Responses.Exists(r => r.Status.StartsWith('4')),
            static o => (Ptr(o, "responses"), $"{o.Label} documents no 4xx response, so clients cannot tell how it fails."));
        Check("parameter-description", ops.SelectMany(o => o.Parameters.Select((p, i) => (o, p, i))), static x => !string.IsNullOrWhiteSpace(x.p.Description),
            static x => (Ptr(x.o, "parameters", x.i.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"Parameter '{x.p.Name}' ({x.p.In}) of {x.o.Label} has no description."));
        var componentPrefix = index.SpecVersion == "2.0" ? "/definitions" : "/components/schemas";
        CheckLazy("property-description", index.Schemas.SelectMany(s => Properties(s.Value, componentPrefix + SpecPaths.Pointer(s.Key), s.Key)));
        Check("media-schema", ops.SelectMany(Bodies), static b => b.Content.Schema is not null,
            static b => (b.Location(), $"{b.What()} ({b.Content.MediaType}) of {b.Operation.Label} has no schema."));
        Check("media-examples", ops.SelectMany(Bodies), b => b.Content.Example is not null || HasExample(index, b.Content.Schema),
            static b => (b.Location(), $"{b.What()} ({b.Content.MediaType}) of {b.Operation.Label} has no example."));
        CheckLazy("path-params", ops.SelectMany(PathParams));
        CheckLazy("security-defined", Security(index));
        CheckLazy("unused-components", index.UnusedComponents.Select(c => (false, (Func<(string, string)>)(() => (Component(index, c), $"Component '{c}' is not used anywhere."))))
            .Append((true, static () => ("", ""))));
        var errors = diagnostics.Where(d => d.IsError).ToList();
        findings.AddRange(diagnostics.Select(d => new SpecFinding("parser", d.IsError ? "error" : "warn", d.Pointer, d.Message)));
        var parserWeight = rules["parser"].Weight;
        outcomes.Add(new RuleOutcome("parser", parserWeight, Math.Max(1, errors.Count), errors.Count, Math.Min(parserWeight, errors.Count)));

        var score = (int)Math.Round(100 - outcomes.Sum(o => o.Lost), MidpointRounding.AwayFromZero);
        return new SpecScore(Math.Clamp(score, 0, 100), outcomes, findings);
    }

    private static string Ptr(SpecOperation o, params string[] more) => SpecPaths.Pointer([o.IsWebhook ? "webhooks" : "paths", o.Path, o.Method.ToLowerInvariant(), .. more]);

    private static string Component(SpecIndex index, string component) =>
        index.SpecVersion == "2.0" && component.StartsWith("schemas/", StringComparison.Ordinal)
            ? "/definitions/" + component["schemas/".Length..].Replace("~", "~0").Replace("/", "~1")
            : "/components/" + component;

    /// <summary>A request or response body of an operation; its pointer and name are built only for a finding.</summary>
    private readonly record struct Body(SpecOperation Operation, SpecContent Content, SpecResponse? Response)
    {
        public string Location() => Response is null
            ? Ptr(Operation, "requestBody", "content", Content.MediaType)
            : Ptr(Operation, "responses", Response.Status, "content", Content.MediaType);

        public string What() => Response is null ? "Request body" : $"Response {Response.Status}";
    }

    private static IEnumerable<Body> Bodies(SpecOperation o)
    {
        foreach (var c in o.RequestBody?.Content ?? [])
        {
            yield return new Body(o, c, null);
        }
        foreach (var r in o.Responses)
        {
            foreach (var c in r.Content)
            {
                yield return new Body(o, c, r);
            }
        }
    }

    /// <summary>An example on the schema (or on the component it refers to) documents the body as well.</summary>
    private static bool HasExample(SpecIndex index, SpecSchema? schema)
    {
        for (var i = 0; schema is not null && i < 10; i++)
        {
            if (schema.Example is not null)
            {
                return true;
            }
            schema = schema.Ref is { } r && index.Schemas.TryGetValue(r, out var target) ? target : null;
        }
        return false;
    }

    private static IEnumerable<(bool, Func<(string, string)>)> Properties(SpecSchema schema, string pointer, string owner)
    {
        var stack = new Stack<(SpecSchema S, string P, int Depth)>();
        stack.Push((schema, pointer, 0));
        while (stack.TryPop(out var cur))
        {
            if (cur.Depth > 8)
            {
                continue;
            }
            foreach (var (name, prop) in cur.S.Properties ?? [])
            {
                var p = cur.P + "/properties" + SpecPaths.Pointer(name);
                // A property that is only a $ref is described by its target.
                yield return (prop.Ref is not null || !string.IsNullOrWhiteSpace(prop.Description) || !string.IsNullOrWhiteSpace(prop.Title),
                    () => (p, $"Property '{name}' of {owner} has no description."));
                stack.Push((prop, p, cur.Depth + 1));
            }
            if (cur.S.Items is { } items)
            {
                stack.Push((items, cur.P + "/items", cur.Depth + 1));
            }
            for (var i = 0; i < (cur.S.AllOf?.Count ?? 0); i++)
            {
                stack.Push((cur.S.AllOf![i], $"{cur.P}/allOf/{i}", cur.Depth + 1));
            }
        }
    }

    private static IEnumerable<(bool, Func<(string, string)>)> PathParams(SpecOperation o)
    {
        if (o.IsWebhook || (!o.Path.Contains('{') && !o.Parameters.Exists(p => p.In == "path")))
        {
            yield break;
        }
        var inPath = PathParam().Matches(o.Path).Select(m => m.Groups[1].Value).ToList();
        var declared = o.Parameters.Where(p => p.In == "path").Select(p => p.Name).ToList();
        foreach (var name in inPath)
        {
            yield return (declared.Contains(name), () => (Ptr(o, "parameters"), $"Path parameter '{name}' of {o.Label} is in the path but not declared."));
        }
        foreach (var name in declared.Where(d => !inPath.Contains(d)))
        {
            yield return (false, () => (Ptr(o, "parameters"), $"Path parameter '{name}' of {o.Label} is declared but not in the path."));
        }
        foreach (var p in o.Parameters.Where(p => p.In == "path" && inPath.Contains(p.Name) && !p.Required))
        {
            yield return (false, () => (Ptr(o, "parameters"), $"Path parameter '{p.Name}' of {o.Label} must be required."));
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{([^}]+)\}")]
    private static partial System.Text.RegularExpressions.Regex PathParam();

    /// <summary>
    /// OpenAPI 3.x and Swagger 2.0 agree: requirement sets are alternatives, an operation's own <c>security</c>
    /// replaces the document's, <c>security: []</c> turns security off and an empty set <c>{}</c> allows anonymous
    /// calls. Both count as "no security" here; a mix such as <c>[{}, {oauth: []}]</c> (optional credentials) passes.
    /// </summary>
    private static IEnumerable<(bool, Func<(string, string)>)> Security(SpecIndex index)
    {
        var swagger = index.SpecVersion == "2.0";
        yield return (index.SecuritySchemes.Count > 0, () => (swagger ? "/securityDefinitions" : "/components/securitySchemes",
            swagger ? "The API defines no security schemes (securityDefinitions)." : "The API defines no security schemes (components.securitySchemes)."));
        if (index.DocumentSecurity is { } global)
        {
            yield return (!Off(global), () => ("/security", global.Count == 0
                ? "The document turns security off for every operation that does not override it (security: [])."
                : "The document allows anonymous calls only (security: [{}])."));
            foreach (var item in Undefined(index, global, "/security", "The document"))
            {
                yield return item;
            }
        }
        var schemes = index.SecuritySchemes.ToHashSet(StringComparer.Ordinal);
        foreach (var o in index.Operations)
        {
            var own = o.OwnSecurity || index.DocumentSecurity is null;
            // A webhook is sent by the API: how a subscriber's endpoint authenticates it (usually a signature) is not
            // the API's security, so only schemes a webhook names itself are checked.
            if (o.IsWebhook)
            {
                foreach (var item in o.OwnSecurity ? Undefined(index, o.Security, Ptr(o, "security"), o.Label) : [])
                {
                    yield return item;
                }
                continue;
            }
            yield return (!Off(o.Security), () => (own ? Ptr(o, "security") : "/security", o.OwnSecurity
                ? o.Security.Count == 0 ? $"{o.Label} turns security off (security: [])." : $"{o.Label} allows anonymous calls only (security: [{{}}])."
                : index.DocumentSecurity is null
                    ? $"{o.Label} has no security requirement (neither its own nor the document's)."
                    : $"{o.Label} has no security: it inherits the document's security, which is turned off."));
            // Undefined schemes in the document's security are reported once, above.
            if (o.OwnSecurity && o.Security.Exists(set => set.Exists(n => !schemes.Contains(n))))
            {
                foreach (var item in Undefined(index, o.Security, own ? Ptr(o, "security") : "/security", o.Label))
                {
                    yield return item;
                }
            }
        }
    }

    private static bool Off(List<List<string>> requirements) => requirements.All(set => set.Count == 0);

    private static IEnumerable<(bool, Func<(string, string)>)> Undefined(SpecIndex index, List<List<string>> requirements, string pointer, string who)
    {
        var where = index.SpecVersion == "2.0" ? "securityDefinitions" : "components.securitySchemes";
        for (var i = 0; i < requirements.Count; i++)
        {
            foreach (var name in requirements[i].Where(n => !index.SecuritySchemes.Contains(n)))
            {
                var set = i;
                yield return (false, () => ($"{pointer}/{set}/{SpecPaths.Pointer(name).TrimStart('/')}",
                    $"{who} requires security scheme '{name}', which is not defined in {where}."));
            }
        }
    }
}
