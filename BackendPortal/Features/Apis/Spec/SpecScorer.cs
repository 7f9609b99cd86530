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
public static class SpecScorer
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

        void Check(string rule, IEnumerable<(bool Ok, string Location, string Message)> items)
        {
            var r = rules[rule];
            int total = 0, failed = 0;
            foreach (var (ok, location, message) in items)
            {
                total++;
                if (!ok)
                {
                    failed++;
                    findings.Add(new SpecFinding(rule, r.Severity, location, message));
                }
            }
            outcomes.Add(new RuleOutcome(rule, r.Weight, total, failed, total == 0 ? 0 : r.Weight * (double)failed / total));
        }

        var ops = index.Operations;
        Check("info-description", [(!string.IsNullOrWhiteSpace(index.Description), "/info/description", "The API has no description (info.description).")]);
        Check("info-contact", [(index.HasContact, "/info/contact", "The API names no contact (info.contact).")]);
        Check("operation-description", ops.Select(o => (
            !string.IsNullOrWhiteSpace(o.Summary) || !string.IsNullOrWhiteSpace(o.Description), Ptr(o), $"{o.Key} has neither a summary nor a description.")));
        Check("operation-operationId", ops.Select(o => (o.OperationId is not null, Ptr(o, "operationId"), $"{o.Key} has no operationId.")));
        var ids = ops.Where(o => o.OperationId is not null).GroupBy(o => o.OperationId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        Check("operation-operationId-unique", ops.Where(o => o.OperationId is not null).Select(o => (
            ids[o.OperationId!] == 1, Ptr(o, "operationId"), $"operationId '{o.OperationId}' of {o.Key} is used by {ids[o.OperationId!] - 1} other operation(s).")));
        Check("operation-tags", ops.Select(o => (o.Tags.Count > 0, Ptr(o, "tags"), $"{o.Key} has no tags.")));
        Check("operation-success-response", ops.Select(o => (
            o.Responses.Any(r => r.Status.Length == 3 && r.Status[0] is '2' or '3' || r.Status is "2XX" or "3XX"), Ptr(o, "responses"), $"{o.Key} documents no success (2xx or 3xx) response.")));
        Check("operation-4xx-response", ops.Select(o => (
            o.Responses.Any(r => r.Status.StartsWith('4')), Ptr(o, "responses"), $"{o.Key} documents no 4xx response, so clients cannot tell how it fails.")));
        Check("parameter-description", ops.SelectMany(o => o.Parameters.Select((p, i) => (
            !string.IsNullOrWhiteSpace(p.Description), Ptr(o, "parameters", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"Parameter '{p.Name}' ({p.In}) of {o.Key} has no description."))));
        var componentPrefix = index.SpecVersion == "2.0" ? "/definitions" : "/components/schemas";
        Check("property-description", index.Schemas.SelectMany(s => Properties(s.Value, componentPrefix + SpecPaths.Pointer(s.Key), s.Key)));
        Check("media-schema", ops.SelectMany(o => Bodies(o).Select(b => (b.Content.Schema is not null, b.Location, $"{b.What} ({b.Content.MediaType}) of {o.Key} has no schema."))));
        Check("media-examples", ops.SelectMany(o => Bodies(o).Select(b => (
            b.Content.Example is not null || HasExample(index, b.Content.Schema), b.Location, $"{b.What} ({b.Content.MediaType}) of {o.Key} has no example."))));
        Check("path-params", ops.SelectMany(o => PathParams(o)));
        Check("security-defined", Security(index));
        Check("unused-components", index.UnusedComponents.Select(c => (false, Component(index, c), $"Component '{c}' is not used anywhere.")).Append((true, "", "")));
        var errors = diagnostics.Where(d => d.IsError).ToList();
        findings.AddRange(diagnostics.Select(d => new SpecFinding("parser", d.IsError ? "error" : "warn", d.Pointer, d.Message)));
        var parserWeight = rules["parser"].Weight;
        outcomes.Add(new RuleOutcome("parser", parserWeight, Math.Max(1, errors.Count), errors.Count, Math.Min(parserWeight, errors.Count)));

        var score = (int)Math.Round(100 - outcomes.Sum(o => o.Lost), MidpointRounding.AwayFromZero);
        return new SpecScore(Math.Clamp(score, 0, 100), outcomes, findings);
    }

    private static string Ptr(SpecOperation o, params string[] more) => SpecPaths.Pointer(["paths", o.Path, o.Method.ToLowerInvariant(), .. more]);

    private static string Component(SpecIndex index, string component) =>
        index.SpecVersion == "2.0" && component.StartsWith("schemas/", StringComparison.Ordinal)
            ? "/definitions/" + component["schemas/".Length..].Replace("~", "~0").Replace("/", "~1")
            : "/components/" + component;

    private static IEnumerable<(SpecContent Content, string Location, string What)> Bodies(SpecOperation o)
    {
        foreach (var c in o.RequestBody?.Content ?? [])
        {
            yield return (c, Ptr(o, "requestBody", "content", c.MediaType), "Request body");
        }
        foreach (var r in o.Responses)
        {
            foreach (var c in r.Content)
            {
                yield return (c, Ptr(o, "responses", r.Status, "content", c.MediaType), $"Response {r.Status}");
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

    private static IEnumerable<(bool, string, string)> Properties(SpecSchema schema, string pointer, string owner)
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
                yield return (prop.Ref is not null || !string.IsNullOrWhiteSpace(prop.Description) || !string.IsNullOrWhiteSpace(prop.Title), p,
                    $"Property '{name}' of {owner} has no description.");
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

    private static IEnumerable<(bool, string, string)> PathParams(SpecOperation o)
    {
        var inPath = System.Text.RegularExpressions.Regex.Matches(o.Path, @"\{([^}]+)\}").Select(m => m.Groups[1].Value).ToList();
        var declared = o.Parameters.Where(p => p.In == "path").Select(p => p.Name).ToList();
        foreach (var name in inPath)
        {
            yield return (declared.Contains(name), Ptr(o, "parameters"), $"Path parameter '{name}' of {o.Key} is in the path but not declared.");
        }
        foreach (var name in declared.Where(d => !inPath.Contains(d)))
        {
            yield return (false, Ptr(o, "parameters"), $"Path parameter '{name}' of {o.Key} is declared but not in the path.");
        }
        foreach (var p in o.Parameters.Where(p => p.In == "path" && inPath.Contains(p.Name) && !p.Required))
        {
            yield return (false, Ptr(o, "parameters"), $"Path parameter '{p.Name}' of {o.Key} must be required.");
        }
    }

    /// <summary>
    /// OpenAPI 3.x and Swagger 2.0 agree: requirement sets are alternatives, an operation's own <c>security</c>
    /// replaces the document's, <c>security: []</c> turns security off and an empty set <c>{}</c> allows anonymous
    /// calls. Both count as "no security" here; a mix such as <c>[{}, {oauth: []}]</c> (optional credentials) passes.
    /// </summary>
    private static IEnumerable<(bool, string, string)> Security(SpecIndex index)
    {
        var swagger = index.SpecVersion == "2.0";
        yield return (index.SecuritySchemes.Count > 0, swagger ? "/securityDefinitions" : "/components/securitySchemes",
            swagger ? "The API defines no security schemes (securityDefinitions)." : "The API defines no security schemes (components.securitySchemes).");
        if (index.DocumentSecurity is { } global)
        {
            yield return (!Off(global), "/security", global.Count == 0
                ? "The document turns security off for every operation that does not override it (security: [])."
                : "The document allows anonymous calls only (security: [{}]).");
            foreach (var item in Undefined(index, global, "/security", "The document"))
            {
                yield return item;
            }
        }
        foreach (var o in index.Operations)
        {
            var pointer = o.OwnSecurity || index.DocumentSecurity is null ? Ptr(o, "security") : "/security";
            var message = o.OwnSecurity
                ? o.Security.Count == 0 ? $"{o.Key} turns security off (security: [])." : $"{o.Key} allows anonymous calls only (security: [{{}}])."
                : index.DocumentSecurity is null
                    ? $"{o.Key} has no security requirement (neither its own nor the document's)."
                    : $"{o.Key} has no security: it inherits the document's security, which is turned off.";
            yield return (!Off(o.Security), pointer, message);
            // Undefined schemes in the document's security are reported once, above.
            if (o.OwnSecurity)
            {
                foreach (var item in Undefined(index, o.Security, pointer, o.Key))
                {
                    yield return item;
                }
            }
        }
    }

    private static bool Off(List<List<string>> requirements) => requirements.All(set => set.Count == 0);

    private static IEnumerable<(bool, string, string)> Undefined(SpecIndex index, List<List<string>> requirements, string pointer, string who)
    {
        var where = index.SpecVersion == "2.0" ? "securityDefinitions" : "components.securitySchemes";
        for (var i = 0; i < requirements.Count; i++)
        {
            foreach (var name in requirements[i].Where(n => !index.SecuritySchemes.Contains(n)))
            {
                yield return (false, $"{pointer}/{i}/{SpecPaths.Pointer(name).TrimStart('/')}",
                    $"{who} requires security scheme '{name}', which is not defined in {where}.");
            }
        }
    }
}
