namespace BackendPortal.Features.Apis.Spec;

public static class ChangeLevels
{
    public const string Breaking = "breaking";
    public const string Warning = "warning";
    public const string Info = "info";
}

public sealed record SpecChange(string Level, string Kind, string Method, string Path, string Message)
{
    /// <summary>Consuming services this change hits (filled in by the API service from the catalog).</summary>
    public IReadOnlyList<string> Consumers { get; init; } = [];

    /// <summary>The operationId the change's operation had in the older version, to match declared usage.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? OperationId { get; init; }
}

/// <summary>
/// Compares two versions of an API the way oasdiff's checks do (kinds named after oasdiff's ids).
/// Operations are matched by method and path with parameter names ignored.
/// </summary>
public sealed partial class SpecDiff
{
    private readonly SpecIndex from;
    private readonly SpecIndex to;
    private readonly List<SpecChange> changes = [];
    private readonly Dictionary<string, List<string>> pathNames = new(StringComparer.Ordinal);
    private SpecOperation current = null!;

    private SpecDiff(SpecIndex from, SpecIndex to)
    {
        this.from = from;
        this.to = to;
    }

    public static IReadOnlyList<SpecChange> Compare(SpecIndex from, SpecIndex to)
    {
        var diff = new SpecDiff(from, to);
        diff.Run();
        return diff.changes
            .OrderBy(c => c.Level switch { ChangeLevels.Breaking => 0, ChangeLevels.Warning => 1, _ => 2 })
            .ThenBy(c => c.Path, StringComparer.Ordinal).ThenBy(c => c.Method, StringComparer.Ordinal)
            .ToList();
    }

    private void Add(string level, string kind, string message) =>
        changes.Add(new SpecChange(level, kind, current.Method, current.Path, message) { OperationId = current.OperationId });

    private void Run()
    {
        var newOps = ByMatchKey(to.Operations);
        var oldOps = ByMatchKey(from.Operations);
        var newPaths = to.Operations.Where(o => !o.IsWebhook).Select(o => SpecPaths.Normalize(o.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, old) in oldOps)
        {
            current = old;
            if (!newOps.TryGetValue(key, out var now))
            {
                if (old.IsWebhook)
                {
                    Add(ChangeLevels.Breaking, "webhook-removed", $"Webhook {old.Method} {old.Path} was removed; subscribers that handle it no longer receive it.");
                }
                else if (!newPaths.Contains(SpecPaths.Normalize(old.Path)))
                {
                    Add(ChangeLevels.Breaking, "api-path-removed", $"Path {old.Path} was removed, and with it {old.Method} {old.Path}.");
                }
                else
                {
                    Add(ChangeLevels.Breaking, "api-removed", $"Operation {old.Method} {old.Path} was removed.");
                }
                continue;
            }
            CompareOperation(old, now);
        }
        foreach (var (key, added) in newOps)
        {
            if (!oldOps.ContainsKey(key))
            {
                current = added;
                if (added.IsWebhook)
                {
                    Add(ChangeLevels.Info, "webhook-added", $"Webhook {added.Method} {added.Path} was added.");
                }
                else
                {
                    Add(ChangeLevels.Info, "endpoint-added", $"Operation {added.Method} {added.Path} was added.");
                }
            }
        }
    }

    /// <summary>The first operation for each match key, in document order.</summary>
    private static Dictionary<string, SpecOperation> ByMatchKey(List<SpecOperation> operations)
    {
        var map = new Dictionary<string, SpecOperation>(operations.Count, StringComparer.Ordinal);
        foreach (var o in operations)
        {
            map.TryAdd(o.MatchKey, o);
        }
        return map;
    }

    private void CompareOperation(SpecOperation old, SpecOperation now)
    {
        if (!old.Deprecated && now.Deprecated)
        {
            Add(ChangeLevels.Warning, "api-deprecated", $"{now.Label} is now deprecated.");
        }
        if (now.IsWebhook)
        {
            ComparePayload(old, now, $"webhook {now.Method} {now.Path} payload");
            return;
        }
        CompareSecurity(old, now);
        CompareParameters(old, now);
        CompareRequestBody(old, now);
        CompareResponses(old, now);
        CompareCallbacks(old, now);
    }

    /// <summary>
    /// A webhook's or callback's request is sent by the API and read by the subscriber, so it is compared the way a
    /// response is (a property removed or made optional breaks subscribers; a new enum value may surprise them), as
    /// oasdiff's maintainers propose for webhooks and callbacks (oasdiff issues 1160 and 1161). Headers the API sends
    /// are compared by presence only.
    /// </summary>
    private void ComparePayload(SpecOperation old, SpecOperation now, string side)
    {
        foreach (var p in old.Parameters.Where(p => !now.Parameters.Exists(x => x.In == p.In && string.Equals(x.Name, p.Name, StringComparison.OrdinalIgnoreCase))))
        {
            Add(ChangeLevels.Warning, "request-parameter-removed", $"The {side} no longer carries the {p.In} parameter '{p.Name}'.");
        }
        foreach (var c in old.RequestBody?.Content ?? [])
        {
            var after = now.RequestBody?.Content.FirstOrDefault(x => x.MediaType == c.MediaType);
            if (after is null)
            {
                Add(ChangeLevels.Breaking, "response-media-type-removed", $"The {side} is no longer sent as '{c.MediaType}'.");
                continue;
            }
            CompareSchema(c.Schema, after.Schema, "", request: false, new HashSet<(string, string)>(), 0, side);
        }
    }

    /// <summary>
    /// Callbacks match by name and method (then by URL expression when a name has several). A callback removed, or
    /// sent to a URL taken from another part of the request, stops reaching clients that rely on it: breaking.
    /// Changes are reported on the parent operation, whose callers are the consumers that receive the callback.
    /// </summary>
    private void CompareCallbacks(SpecOperation old, SpecOperation now)
    {
        if (old.Callbacks is null && now.Callbacks is null)
        {
            return;
        }
        var before = old.Callbacks ?? [];
        var after = now.Callbacks ?? [];
        var matched = new HashSet<SpecCallback>();
        foreach (var cb in before)
        {
            var same = after.Where(a => a.Name == cb.Name && a.Operation.Method == cb.Operation.Method).ToList();
            var match = same.FirstOrDefault(a => a.Expression == cb.Expression);
            var label = $"callback '{cb.Name}' {cb.Operation.Method} {cb.Expression}";
            if (match is null && same.Count == 1 && before.Count(b => b.Name == cb.Name && b.Operation.Method == cb.Operation.Method) == 1)
            {
                match = same[0];
                Add(ChangeLevels.Breaking, "callback-url-changed", $"The {label} is now sent to {match.Expression}; clients that give the URL the old way are no longer called.");
            }
            if (match is null)
            {
                Add(ChangeLevels.Breaking, "callback-removed", $"The {label} was removed; clients that wait for it are no longer called.");
                continue;
            }
            matched.Add(match);
            if (!cb.Operation.Deprecated && match.Operation.Deprecated)
            {
                Add(ChangeLevels.Warning, "callback-deprecated", $"The {label} is now deprecated.");
            }
            ComparePayload(cb.Operation, match.Operation, $"{label} payload");
        }
        foreach (var cb in after.Where(a => !matched.Contains(a)))
        {
            Add(ChangeLevels.Info, "callback-added", $"Callback '{cb.Name}' {cb.Operation.Method} {cb.Expression} was added.");
        }
    }

    /// <summary>
    /// Requirement sets are alternatives and a set needs all its schemes: a client that met a set before still
    /// gets through if some set now needs no more than it (a subset). An empty list or an empty set is anonymous.
    /// </summary>
    private void CompareSecurity(SpecOperation old, SpecOperation now)
    {
        // The same requirement sets in the same order: nothing can differ (the common case).
        if (old.Security.Count == now.Security.Count && old.Security.Zip(now.Security).All(p => p.First.SequenceEqual(p.Second, StringComparer.Ordinal)))
        {
            return;
        }
        var before = old.Security.Select(Set).ToList();
        var after = now.Security.Select(Set).ToList();
        if (Open(before) && !Open(after))
        {
            Add(ChangeLevels.Breaking, "api-security-added", $"Security requirement {Names(after)} was added; calls without credentials now fail.");
            return;
        }
        if (!Open(before) && Open(after))
        {
            Add(ChangeLevels.Warning, "api-security-removed", "Security was removed; the operation now accepts calls without credentials.");
            return;
        }
        if (Open(after))
        {
            return;
        }
        foreach (var set in before.Where(b => !after.Any(a => a.IsSubsetOf(b))))
        {
            Add(ChangeLevels.Breaking, "api-security-added", $"Calls authenticated with '{string.Join(" + ", set.Order())}' now fail: the operation requires {Names(after)}.");
        }
        foreach (var set in after.Where(a => !before.Any(b => b.SetEquals(a)) && before.All(b => !a.IsSubsetOf(b))))
        {
            Add(ChangeLevels.Info, "api-security-alternative-added", $"Security requirement '{string.Join(" + ", set.Order())}' was added as an alternative.");
        }

        static HashSet<string> Set(List<string> names) => names.ToHashSet(StringComparer.Ordinal);
        static bool Open(List<HashSet<string>> sets) => sets.Count == 0 || sets.Any(s => s.Count == 0);
        static string Names(List<HashSet<string>> sets) => string.Join(" or ", sets.Select(s => $"'{string.Join(" + ", s.Order())}'"));
    }

    private void CompareParameters(SpecOperation old, SpecOperation now)
    {
        foreach (var p in now.Parameters)
        {
            var before = Find(old.Parameters, p, old, now);
            if (before is null)
            {
                if (p.Required)
                {
                    Add(ChangeLevels.Breaking, "new-required-request-parameter", $"New required {p.In} parameter '{p.Name}' was added.");
                }
                else
                {
                    Add(ChangeLevels.Info, "new-optional-request-parameter", $"New optional {p.In} parameter '{p.Name}' was added.");
                }
                continue;
            }
            if (!before.Required && p.Required)
            {
                Add(ChangeLevels.Breaking, "request-parameter-became-required", $"The {p.In} parameter '{p.Name}' became required.");
            }
            if (!before.Deprecated && p.Deprecated)
            {
                Add(ChangeLevels.Warning, "request-parameter-deprecated", $"The {p.In} parameter '{p.Name}' is now deprecated.");
            }
            var oldSchema = Resolve(from, before.Schema, 0);
            var newSchema = Resolve(to, p.Schema, 0);
            if (TypeOf(oldSchema) is { } ot && TypeOf(newSchema) is { } nt && ot != nt)
            {
                Add(ChangeLevels.Breaking, "request-parameter-type-changed", $"The type of the {p.In} parameter '{p.Name}' changed from {ot} to {nt}.");
            }
            foreach (var removed in EnumRemoved(oldSchema, newSchema))
            {
                Add(ChangeLevels.Breaking, "request-parameter-enum-value-removed", $"Value '{removed}' was removed from the enum of the {p.In} parameter '{p.Name}'.");
            }
        }
        foreach (var p in old.Parameters.Where(p => Find(now.Parameters, p, now, old) is null))
        {
            Add(ChangeLevels.Warning, "request-parameter-removed", $"The {p.In} parameter '{p.Name}' was removed.");
        }
    }

    /// <summary>Path parameters match by position (they may be renamed); the others by name and location.</summary>
    private SpecParameter? Find(List<SpecParameter> list, SpecParameter p, SpecOperation listOp, SpecOperation pOp)
    {
        if (p.In == "path")
        {
            var pos = PathPosition(pOp.Path, p.Name);
            return pos < 0 ? list.FirstOrDefault(x => x.In == "path" && x.Name == p.Name)
                : list.FirstOrDefault(x => x.In == "path" && PathPosition(listOp.Path, x.Name) == pos);
        }
        var comparison = p.In == "header" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return list.FirstOrDefault(x => x.In == p.In && string.Equals(x.Name, p.Name, comparison));
    }

    private int PathPosition(string path, string name)
    {
        if (!pathNames.TryGetValue(path, out var names))
        {
            pathNames[path] = names = PathParam().Matches(path).Select(m => m.Groups[1].Value).ToList();
        }
        return names.IndexOf(name);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{([^}]+)\}")]
    private static partial System.Text.RegularExpressions.Regex PathParam();

    private void CompareRequestBody(SpecOperation old, SpecOperation now)
    {
        if (now.RequestBody is null || old.RequestBody is null)
        {
            if (old.RequestBody is null && now.RequestBody is { Required: true })
            {
                Add(ChangeLevels.Breaking, "request-body-added-required", "A required request body was added.");
            }
            return;
        }
        if (!old.RequestBody.Required && now.RequestBody.Required)
        {
            Add(ChangeLevels.Breaking, "request-body-became-required", "The request body became required.");
        }
        foreach (var c in now.RequestBody.Content)
        {
            var before = old.RequestBody.Content.FirstOrDefault(x => x.MediaType == c.MediaType);
            if (before is not null)
            {
                CompareSchema(before.Schema, c.Schema, "", request: true, new HashSet<(string, string)>(), 0);
            }
        }
        foreach (var c in old.RequestBody.Content.Where(c => !now.RequestBody.Content.Any(x => x.MediaType == c.MediaType)))
        {
            Add(ChangeLevels.Breaking, "request-body-media-type-removed", $"The request media type '{c.MediaType}' is no longer accepted.");
        }
    }

    private void CompareResponses(SpecOperation old, SpecOperation now)
    {
        foreach (var r in old.Responses)
        {
            var after = now.Responses.FirstOrDefault(x => x.Status == r.Status);
            var success = r.Status.StartsWith('2');
            if (after is null)
            {
                if (success)
                {
                    Add(ChangeLevels.Breaking, "response-success-status-removed", $"Success response status {r.Status} was removed.");
                }
                else
                {
                    Add(ChangeLevels.Warning, "response-non-success-status-removed", $"Response status {r.Status} was removed.");
                }
                continue;
            }
            if (!success)
            {
                continue;
            }
            foreach (var c in r.Content)
            {
                var now2 = after.Content.FirstOrDefault(x => x.MediaType == c.MediaType);
                if (now2 is null)
                {
                    Add(ChangeLevels.Breaking, "response-media-type-removed", $"Response {r.Status} no longer returns '{c.MediaType}'.");
                    continue;
                }
                CompareSchema(c.Schema, now2.Schema, "", request: false, new HashSet<(string, string)>(), 0, $"response {r.Status}");
            }
        }
        foreach (var r in now.Responses.Where(r => r.Status.StartsWith('2') && !old.Responses.Any(x => x.Status == r.Status)))
        {
            Add(ChangeLevels.Info, "response-success-status-added", $"Success response status {r.Status} was added.");
        }
    }

    private void CompareSchema(SpecSchema? oldRaw, SpecSchema? newRaw, string prefix, bool request, HashSet<(string, string)> seen, int depth, string? side = null)
    {
        if (depth > 12 || oldRaw is null || newRaw is null)
        {
            return;
        }
        // A pair of references compared once is enough: recursive schemas end here.
        if (oldRaw.Ref is not null && newRaw.Ref is not null && !seen.Add((oldRaw.Ref, newRaw.Ref)))
        {
            return;
        }
        var o = Flatten(from, oldRaw);
        var n = Flatten(to, newRaw);
        // Built only when a change is reported: most schemas compared are unchanged.
        // side: what carries the body when it is not a request ("response 200", "webhook POST newPet payload").
        string Label() => prefix.Length == 0 ? (request ? "request body" : $"{side} body") : $"{(request ? "request" : side)} property '{prefix}'";

        if (TypeOf(o) is { } ot && TypeOf(n) is { } nt && ot != nt)
        {
            Add(ChangeLevels.Breaking, request ? "request-property-type-changed" : "response-property-type-changed",
                $"The type of the {Label()} changed from {ot} to {nt}.");
            return;
        }
        if (request)
        {
            foreach (var removed in EnumRemoved(o, n))
            {
                Add(ChangeLevels.Breaking, "request-property-enum-value-removed", $"Value '{removed}' was removed from the enum of the {Label()}.");
            }
        }
        else if (o.Enum is { } oldEnum && n.Enum is { } newEnum)
        {
            foreach (var added in newEnum.Except(oldEnum))
            {
                Add(ChangeLevels.Warning, "response-property-enum-value-added", $"Value '{added}' was added to the enum of the {Label()}; clients may not handle it.");
            }
        }

        var oldProps = o.Properties;
        var newProps = n.Properties;
        var oldRequired = o.Required;
        var newRequired = n.Required;
        foreach (var (name, prop) in newProps ?? [])
        {
            var path = prefix.Length == 0 ? name : $"{prefix}/{name}";
            if (oldProps is null || !oldProps.TryGetValue(name, out var before))
            {
                if (request && newRequired is not null && newRequired.Contains(name) && !prop.ReadOnly)
                {
                    Add(ChangeLevels.Breaking, "new-required-request-property", $"New required request property '{path}' was added.");
                }
                continue;
            }
            if (request && newRequired is not null && newRequired.Contains(name) && (oldRequired is null || !oldRequired.Contains(name)) && !prop.ReadOnly)
            {
                Add(ChangeLevels.Breaking, "request-property-became-required", $"The request property '{path}' became required.");
            }
            if (!request && oldRequired is not null && oldRequired.Contains(name) && (newRequired is null || !newRequired.Contains(name)) && !prop.WriteOnly)
            {
                Add(ChangeLevels.Breaking, "response-required-property-became-optional", $"The {side} property '{path}' is no longer required; clients may not get it.");
            }
            CompareSchema(before, prop, path, request, seen, depth + 1, side);
        }
        if (!request && oldProps is not null)
        {
            foreach (var name in oldProps.Keys)
            {
                if (newProps is null || !newProps.ContainsKey(name))
                {
                    var path = prefix.Length == 0 ? name : $"{prefix}/{name}";
                    Add(ChangeLevels.Breaking, "response-property-removed", $"The {side} property '{path}' was removed.");
                }
            }
        }
        if (o.Items is not null && n.Items is not null)
        {
            CompareSchema(o.Items, n.Items, prefix.Length == 0 ? "items" : $"{prefix}/items", request, seen, depth + 1, side);
        }
    }

    /// <summary>Follows references and merges allOf parts into one view (properties, required, type).</summary>
    private static SpecSchema Flatten(SpecIndex index, SpecSchema schema)
    {
        var s = Resolve(index, schema, 0) ?? new SpecSchema();
        if (s.AllOf is not { Count: > 0 })
        {
            return s;
        }
        var merged = new SpecSchema
        {
            Type = s.Type,
            Enum = s.Enum,
            Items = s.Items,
            Properties = new Dictionary<string, SpecSchema>(s.Properties ?? []),
            Required = [.. s.Required ?? []],
        };
        foreach (var part in s.AllOf.Take(20))
        {
            var p = Resolve(index, part, 0);
            if (p is null)
            {
                continue;
            }
            merged.Type ??= p.Type;
            foreach (var (k, v) in p.Properties ?? [])
            {
                merged.Properties.TryAdd(k, v);
            }
            merged.Required.AddRange(p.Required ?? []);
        }
        merged.Type ??= merged.Properties.Count > 0 ? "object" : null;
        return merged;
    }

    private static SpecSchema? Resolve(SpecIndex index, SpecSchema? schema, int depth)
    {
        while (schema?.Ref is { } r && depth++ < 32)
        {
            schema = index.Schemas.GetValueOrDefault(r);
        }
        return schema?.Ref is null ? schema : null;
    }

    private static string? TypeOf(SpecSchema? s) => s?.Type;

    /// <summary>Values of the old enum missing from the new one; nothing when either has no enum.</summary>
    private static IEnumerable<string> EnumRemoved(SpecSchema? o, SpecSchema? n) =>
        o?.Enum is { } before && n?.Enum is { } after ? before.Except(after) : [];
}
