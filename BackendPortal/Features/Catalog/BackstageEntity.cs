using BackendPortal.Data;

namespace BackendPortal.Features.Catalog;

public sealed record EntityLink(string Url, string? Title, string? Type, string? Icon);

/// <summary>One document after the envelope and its kind's spec passed Backstage's rules; references are not resolved yet.</summary>
public sealed class BackstageEntity
{
    public required int Document { get; init; }
    public required string? Source { get; init; }
    public required int Line { get; init; }
    public required string Kind { get; init; }
    public required string Name { get; init; }
    public string Key => Name.ToLowerInvariant();
    /// <summary>The portal has one namespace: names from every namespace share it (docs/decisions/0006).</summary>
    public string Namespace { get; set; } = EntityRef.DefaultNamespace;
    public string? Title { get; set; }
    public string? Description { get; set; }
    public List<string> Tags { get; set; } = [];
    public List<EntityLink> Links { get; set; } = [];
    public Dictionary<string, string> Annotations { get; set; } = new(StringComparer.Ordinal);
    public string? Type { get; set; }
    public string? LifecycleText { get; set; }
    public EntityRef? Owner { get; set; }
    public EntityRef? System { get; set; }
    public string? Domain { get; set; }
    public EntityRef? Parent { get; set; }
    public List<EntityRef> DependsOn { get; set; } = [];
    public List<EntityRef> ProvidesApis { get; set; } = [];
    public List<EntityRef> ConsumesApis { get; set; } = [];
    public List<EntityRef> MemberOf { get; set; } = [];
    public List<EntityRef> Children { get; set; } = [];
    public List<EntityRef> Members { get; set; } = [];
    public string? Definition { get; set; }
    public string? DisplayName { get; set; }
    public string? Email { get; set; }
    public string? Engine { get; set; }
    public string? Environment { get; set; }

    public bool IsDatabase => Kind == BackstageKinds.Resource && string.Equals(Type, "database", StringComparison.OrdinalIgnoreCase);

    public string? Annotation(string name) => Annotations.TryGetValue(BackstageRules.AnnotationPrefix + name, out var v) ? v : null;
}

public static class BackstageKinds
{
    public const string Component = "Component";
    public const string Api = "API";
    public const string Resource = "Resource";
    public const string System = "System";
    public const string Domain = "Domain";
    public const string Group = "Group";
    public const string User = "User";
    public const string Location = "Location";

    public static readonly string[] Imported = [Component, Api, Resource, System, Domain, Group, User];

    /// <summary>The kind as Backstage spells it, matched ignoring case; null for kinds the portal does not know.</summary>
    public static string? Canonical(string kind) =>
        Imported.Append(Location).FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase));
}

/// <summary>An error in one document, by number (1-based across the sources), kind, name and field path.</summary>
public sealed record ImportError(int Document, string? Source, int Line, string Kind, string Name, string Field, string Message);

/// <summary>Turns one YAML document into a <see cref="BackstageEntity"/>, collecting every rule it breaks.</summary>
public sealed class BackstageEntityReader(YamlDocument document, List<ImportError> errors)
{
    private string kind = "";
    private string name = "";

    /// <summary>Null for a Location or an unknown kind (skippedKind set), or when the envelope is unreadable (an error added).</summary>
    public BackstageEntity? Read(out string? skippedKind, out string? skippedName, out string? skipReason)
    {
        skippedKind = skippedName = skipReason = null;
        if (document.Root is not YMap root)
        {
            Error("", "The document is not a map; an entity has apiVersion, kind, metadata and spec.");
            return null;
        }
        var kindText = Text(root, "kind", "kind");
        var metadata = root["metadata"] as YMap;
        name = (metadata is null ? null : Text(metadata, "name", null)) ?? "";
        kind = kindText ?? "";
        var apiVersion = Text(root, "apiVersion", "apiVersion");
        if (kindText is null)
        {
            Error("kind", "kind is required (Component, API, Resource, System, Domain, Group, User or Location).");
            return null;
        }
        var canonical = BackstageKinds.Canonical(kindText);
        if (canonical is null || (apiVersion is not null && !apiVersion.StartsWith("backstage.io/", StringComparison.Ordinal)))
        {
            skippedKind = kindText;
            skippedName = name;
            skipReason = $"Kind '{kindText}' ({apiVersion}) is not one BackendPortal imports; the document was skipped.";
            return null;
        }
        kind = canonical;
        if (apiVersion is null)
        {
            Error("apiVersion", $"apiVersion is required: {BackstageRules.ApiVersionAlpha}.");
        }
        else if (apiVersion is not (BackstageRules.ApiVersionAlpha or BackstageRules.ApiVersionBeta))
        {
            Error("apiVersion", $"apiVersion '{apiVersion}' is not one Backstage defines for {kind}; use {BackstageRules.ApiVersionAlpha}.");
        }
        var entity = new BackstageEntity { Document = document.Number, Source = document.Source, Line = document.Line, Kind = kind, Name = name };
        ReadMetadata(root["metadata"], entity);
        if (kind == BackstageKinds.Location)
        {
            skippedKind = kind;
            skippedName = name;
            skipReason = "Location entities point at other files; the portal does not fetch them. Import those files themselves.";
            return null;
        }
        var spec = root["spec"];
        if (spec is not YMap map)
        {
            Error("spec", spec is null ? $"spec is required for a {kind}." : "spec must be a map.");
        }
        else
        {
            ReadSpec(map, entity);
        }
        // Returned even when broken, so its references are checked too and every problem is listed at once.
        return entity;
    }

    private void ReadMetadata(YNode? node, BackstageEntity entity)
    {
        if (node is not YMap metadata)
        {
            Error("metadata", node is null ? "metadata is required." : "metadata must be a map.");
            return;
        }
        var nameText = Text(metadata, "name", "metadata.name");
        if (nameText is null)
        {
            Error("metadata.name", "metadata.name is required.");
        }
        else if (!BackstageRules.IsName(nameText))
        {
            Error("metadata.name", $"'{Clip(nameText)}' is not a valid name: 1–63 letters or digits, separated by single '-', '_' or '.'.");
        }
        var ns = Text(metadata, "namespace", "metadata.namespace");
        if (ns is not null)
        {
            if (!BackstageRules.IsNamespace(ns))
            {
                Error("metadata.namespace", $"'{Clip(ns)}' is not a valid namespace: lower-case letters and digits separated by '-', at most 63.");
            }
            else
            {
                entity.Namespace = ns;
            }
        }
        entity.Title = Optional(metadata, "title", "metadata.title", 200);
        entity.Description = Optional(metadata, "description", "metadata.description", 4000);
        if (metadata["tags"] is { } tags)
        {
            foreach (var (tag, i) in Strings(tags, "metadata.tags").Select((t, i) => (t, i)))
            {
                if (!BackstageRules.IsTag(tag))
                {
                    Error($"metadata.tags[{i}]", $"Tag '{Clip(tag)}' is not valid: lower-case letters, digits, ':', '+' or '#', separated by '-', at most 63.");
                }
                else if (!entity.Tags.Contains(tag))
                {
                    entity.Tags.Add(tag);
                }
            }
        }
        foreach (var (field, label) in new[] { ("annotations", true), ("labels", false) })
        {
            if (metadata[field] is null)
            {
                continue;
            }
            if (metadata[field] is not YMap values)
            {
                Error($"metadata.{field}", $"metadata.{field} must be a map of text values.");
                continue;
            }
            foreach (var (key, value) in values.Entries)
            {
                if (!BackstageRules.IsKey(key))
                {
                    Error($"metadata.{field}.{key}", $"'{Clip(key)}' is not a valid {(label ? "annotation" : "label")} key: an optional DNS prefix and '/', then a name.");
                }
                else if (value is not YScalar { Value: { } text })
                {
                    Error($"metadata.{field}.{key}", "The value must be text.");
                }
                else if (label)
                {
                    entity.Annotations[key] = text;
                }
                else if (text.Length > 0 && !BackstageRules.IsName(text))
                {
                    Error($"metadata.labels.{key}", $"Label value '{Clip(text)}' is not valid: letters or digits separated by '-', '_' or '.', at most 63.");
                }
            }
        }
        if (metadata["links"] is { } links)
        {
            if (links is not YSequence list)
            {
                Error("metadata.links", "metadata.links must be a list of { url, title, type, icon }.");
                return;
            }
            for (var i = 0; i < list.Items.Count; i++)
            {
                if (list.Items[i] is not YMap link || Text(link, "url", $"metadata.links[{i}].url") is not { Length: > 0 } url)
                {
                    Error($"metadata.links[{i}].url", "Each link needs a url.");
                    continue;
                }
                entity.Links.Add(new EntityLink(url, Text(link, "title", null), Text(link, "type", null), Text(link, "icon", null)));
            }
        }
    }

    private void ReadSpec(YMap spec, BackstageEntity e)
    {
        switch (kind)
        {
            case BackstageKinds.Component:
                e.Type = Required(spec, "type", 50);
                e.LifecycleText = Required(spec, "lifecycle", 100);
                e.Owner = Ref(spec, "owner", "group", required: true);
                e.System = Ref(spec, "system", "system", required: false);
                e.DependsOn = Refs(spec, "dependsOn", null);
                e.ProvidesApis = Refs(spec, "providesApis", "api");
                e.ConsumesApis = Refs(spec, "consumesApis", "api");
                Refs(spec, "dependencyOf", null);
                Ref(spec, "subcomponentOf", "component", required: false);
                break;
            case BackstageKinds.Api:
                e.Type = Required(spec, "type", 50);
                e.LifecycleText = Required(spec, "lifecycle", 100);
                e.Owner = Ref(spec, "owner", "group", required: true);
                e.System = Ref(spec, "system", "system", required: false);
                e.Definition = Definition(spec);
                break;
            case BackstageKinds.Resource:
                e.Type = Required(spec, "type", 100);
                e.Owner = Ref(spec, "owner", "group", required: true);
                e.System = Ref(spec, "system", "system", required: false);
                Refs(spec, "dependsOn", null);
                Refs(spec, "dependencyOf", null);
                e.Engine = Text(spec, "engine", "spec.engine");
                e.Environment = Text(spec, "environment", "spec.environment");
                break;
            case BackstageKinds.System:
                e.Owner = Ref(spec, "owner", "group", required: true);
                // The portal keeps a system's domain as text, so a domain that is not (yet) an entity is fine.
                e.Domain = Text(spec, "domain", "spec.domain") is { } d
                    ? EntityRef.TryParse(d, "domain", out var domain) is null ? domain!.Name : d.Trim()
                    : null;
                if (e.Domain is { Length: > Slug.MaxLength })
                {
                    Error("spec.domain", $"spec.domain must be at most {Slug.MaxLength} characters.");
                }
                break;
            case BackstageKinds.Domain:
                e.Owner = Ref(spec, "owner", "group", required: true);
                break;
            case BackstageKinds.Group:
                e.Type = Required(spec, "type", 50);
                if (spec["children"] is null)
                {
                    Error("spec.children", "spec.children is required (it may be an empty list).");
                }
                e.Children = Refs(spec, "children", "group");
                e.Parent = Ref(spec, "parent", "group", required: false);
                e.Members = Refs(spec, "members", "user");
                if (spec["profile"] is YMap profile)
                {
                    e.DisplayName = Optional(profile, "displayName", "spec.profile.displayName", 200);
                    e.Email = Optional(profile, "email", "spec.profile.email", 256);
                }
                break;
            case BackstageKinds.User:
                if (spec["memberOf"] is null)
                {
                    Error("spec.memberOf", "spec.memberOf is required (it may be an empty list).");
                }
                e.MemberOf = Refs(spec, "memberOf", "group");
                if (spec["profile"] is YMap userProfile)
                {
                    e.DisplayName = Optional(userProfile, "displayName", "spec.profile.displayName", 200);
                    e.Email = Optional(userProfile, "email", "spec.profile.email", 256);
                }
                break;
        }
    }

    /// <summary>
    /// The definition is kept verbatim. A substitution ($text, $json, $yaml pointing at a URL or file)
    /// is kept as that one line: the portal never fetches what a file points at.
    /// </summary>
    private string? Definition(YMap spec)
    {
        var node = spec["definition"];
        switch (node)
        {
            case null or YScalar { Value: null }:
                Error("spec.definition", "spec.definition is required: the API's definition text (OpenAPI, AsyncAPI, GraphQL schema or .proto).");
                return null;
            case YScalar { Value: { } text }:
                if (text.Trim().Length == 0)
                {
                    Error("spec.definition", "spec.definition must not be empty.");
                }
                return text;
            case YMap { Entries.Count: 1 } map when map.Entries[0].Key is "$text" or "$json" or "$yaml" && map.Entries[0].Value is YScalar { Value: { } target }:
                return $"{map.Entries[0].Key}: {target}";
            default:
                Error("spec.definition", "spec.definition must be text (or a single $text/$json/$yaml substitution).");
                return null;
        }
    }

    private string? Required(YMap spec, string field, int maxLength)
    {
        var value = Text(spec, field, "spec." + field);
        if (string.IsNullOrWhiteSpace(value))
        {
            Error("spec." + field, $"spec.{field} is required for a {kind}.");
            return null;
        }
        if (value.Length > maxLength)
        {
            Error("spec." + field, $"spec.{field} must be at most {maxLength} characters.");
        }
        return value.Trim();
    }

    private string? Optional(YMap map, string field, string path, int maxLength)
    {
        var value = Text(map, field, path);
        if (value is not null && value.Length > maxLength)
        {
            Error(path, $"{path} must be at most {maxLength} characters.");
        }
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private EntityRef? Ref(YMap spec, string field, string? defaultKind, bool required)
    {
        var value = Text(spec, field, "spec." + field);
        if (value is null)
        {
            if (required)
            {
                Error("spec." + field, $"spec.{field} is required for a {kind}.");
            }
            return null;
        }
        if (EntityRef.TryParse(value, defaultKind, out var reference) is { } problem)
        {
            Error("spec." + field, problem);
        }
        return reference;
    }

    private List<EntityRef> Refs(YMap spec, string field, string? defaultKind)
    {
        var result = new List<EntityRef>();
        if (spec[field] is not { } node)
        {
            return result;
        }
        var i = 0;
        foreach (var value in Strings(node, "spec." + field))
        {
            if (EntityRef.TryParse(value, defaultKind, out var reference) is { } problem)
            {
                Error($"spec.{field}[{i}]", problem);
            }
            else if (!result.Any(r => r.Kind == reference!.Kind && r.Key == reference.Key))
            {
                result.Add(reference! with { Index = i });
            }
            i++;
        }
        return result;
    }

    private List<string> Strings(YNode node, string path)
    {
        if (node is YScalar { Value: null })
        {
            return [];
        }
        if (node is not YSequence list)
        {
            Error(path, $"{path} must be a list.");
            return [];
        }
        var result = new List<string>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (list.Items[i] is YScalar { Value: { } text })
            {
                result.Add(text);
            }
            else
            {
                Error($"{path}[{i}]", $"{path}[{i}] must be text.");
            }
        }
        return result;
    }

    private string? Text(YMap map, string field, string? path)
    {
        var node = map[field];
        if (node is null or YScalar { Value: null })
        {
            return null;
        }
        if (node is YScalar scalar)
        {
            return scalar.Value;
        }
        if (path is not null)
        {
            Error(path, $"{path} must be text.");
        }
        return null;
    }

    private void Error(string field, string message) =>
        errors.Add(new ImportError(document.Number, document.Source, document.Line, kind, name, field, message));

    private static string Clip(string s) => s.Length > 70 ? s[..70] + "…" : s;
}
