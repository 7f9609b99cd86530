using System.Globalization;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using Microsoft.EntityFrameworkCore;
using YamlDotNet.Serialization;

namespace BackendPortal.Features.Catalog;

/// <summary>
/// Writes the whole catalog as Backstage descriptor YAML: one document per entity, references fully
/// qualified (group:default/x), the fields Backstage requires always present. What only the portal
/// knows (tier, languages, database engine, backup policy) travels in backendportal.io/ annotations,
/// so the file imports back as the same catalog.
/// </summary>
public sealed class BackstageExportService(IDbContextFactory<AppDbContext> dbFactory)
{
    private static readonly ISerializer Yaml = new SerializerBuilder()
        .DisableAliases()
        .WithQuotingNecessaryStrings()
        .Build();

    public async Task WriteAsync(TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var teamKeys = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, ct);
        var systemKeys = await db.Systems.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, ct);
        var serviceKeys = await db.Services.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, ct);
        var apiKeys = await db.Apis.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, ct);
        var databaseKeys = await db.Databases.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, ct);
        var resourceKeys = await db.Resources.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, ct);
        string Group(int id) => "group:default/" + teamKeys[id];
        string? System(int? id) => id is { } s ? "system:default/" + systemKeys[s] : null;
        var first = true;

        async Task Emit(Dictionary<string, object?> entity)
        {
            if (!first)
            {
                await writer.WriteAsync("---\n");
            }
            first = false;
            await writer.WriteAsync(Yaml.Serialize(Compact(entity)));
        }

        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.SlugKey).ToListAsync(ct);
        var children = teams.Where(t => t.ParentTeamId is not null).ToLookup(t => t.ParentTeamId!.Value);
        foreach (var t in teams)
        {
            await Emit(Entity("Group", t.Slug, null, t.Description, [], new()
            {
                ["type"] = t.Type,
                ["profile"] = new Dictionary<string, object?> { ["displayName"] = t.Name },
                ["parent"] = t.ParentTeamId is { } p ? Group(p) : null,
                ["children"] = children[t.Id].Select(c => Group(c.Id)).ToList(),
            }));
        }

        var memberships = (await db.TeamMembers.AsNoTracking().Select(m => new { m.PersonId, m.TeamId }).ToListAsync(ct)).ToLookup(m => m.PersonId, m => m.TeamId);
        await foreach (var p in db.People.AsNoTracking().OrderBy(p => p.SlugKey).AsAsyncEnumerable().WithCancellation(ct))
        {
            await Emit(Entity("User", p.Slug, null, null, [], new()
            {
                ["profile"] = new Dictionary<string, object?> { ["displayName"] = p.Name, ["email"] = p.Email },
                ["memberOf"] = memberships[p.Id].Select(Group).Order(StringComparer.Ordinal).ToList(),
            }));
        }

        await foreach (var d in db.Domains.AsNoTracking().OrderBy(d => d.SlugKey).AsAsyncEnumerable().WithCancellation(ct))
        {
            await Emit(Entity("Domain", d.Slug, d.Name, d.Description, d.Tags, new() { ["owner"] = Group(d.OwnerTeamId) }));
        }

        await foreach (var s in db.Systems.AsNoTracking().OrderBy(s => s.SlugKey).AsAsyncEnumerable().WithCancellation(ct))
        {
            await Emit(Entity("System", s.Slug, s.Name, s.Description, s.Tags, new()
            {
                ["owner"] = Group(s.OwnerTeamId),
                ["domain"] = s.Domain is null ? null : BackstageRules.IsName(s.Domain) ? "domain:default/" + s.Domain : s.Domain,
            }));
        }

        var dependencies = (await db.ServiceDependencies.AsNoTracking().ToListAsync(ct)).ToLookup(r => r.ServiceId, r => "component:default/" + serviceKeys[r.DependsOnId]);
        var usesDatabases = (await db.ServiceDatabases.AsNoTracking().ToListAsync(ct)).ToLookup(r => r.ServiceId, r => "resource:default/" + databaseKeys[r.DatabaseId]);
        var usesResources = (await db.ServiceResources.AsNoTracking().ToListAsync(ct)).ToLookup(r => r.ServiceId, r => "resource:default/" + resourceKeys[r.ResourceId]);
        var apiLinks = (await db.ServiceApis.AsNoTracking().ToListAsync(ct)).ToLookup(r => (r.ServiceId, r.Role), r => "api:default/" + apiKeys[r.ApiId]);
        await foreach (var s in db.Services.AsNoTracking().OrderBy(s => s.SlugKey).AsAsyncEnumerable().WithCancellation(ct))
        {
            var entity = Entity("Component", s.Slug, s.Name, s.Description, s.Tags, new()
            {
                ["type"] = s.Type,
                ["lifecycle"] = BackstageRules.LifecycleName(s.Lifecycle),
                ["owner"] = Group(s.OwnerTeamId),
                ["system"] = System(s.SystemId),
                ["dependsOn"] = Sorted(dependencies[s.Id].Concat(usesDatabases[s.Id]).Concat(usesResources[s.Id])),
                ["providesApis"] = Sorted(apiLinks[(s.Id, ApiRole.Provides)]),
                ["consumesApis"] = Sorted(apiLinks[(s.Id, ApiRole.Consumes)]),
            });
            var metadata = (Dictionary<string, object?>)entity["metadata"]!;
            metadata["annotations"] = Annotations(
                ("tier", s.Tier.ToString(CultureInfo.InvariantCulture)),
                ("languages", s.Languages.Count == 0 ? null : string.Join(",", s.Languages)),
                ("framework", s.Framework));
            var links = new List<object>();
            if (s.RepositoryUrl is not null)
            {
                links.Add(new Dictionary<string, object?> { ["url"] = s.RepositoryUrl, ["title"] = "Repository", ["type"] = "repository" });
            }
            if (s.RunbookUrl is not null)
            {
                links.Add(new Dictionary<string, object?> { ["url"] = s.RunbookUrl, ["title"] = "Runbook", ["type"] = "runbook" });
            }
            metadata["links"] = links;
            await Emit(entity);
        }

        await foreach (var a in db.Apis.AsNoTracking().OrderBy(a => a.SlugKey).AsAsyncEnumerable().WithCancellation(ct))
        {
            object definition = a.Definition is { } text && SubstitutionOf(text) is { } sub
                ? new Dictionary<string, object?> { [sub.Key] = sub.Target }
                : string.IsNullOrEmpty(a.Definition) ? "# The definition was not recorded in BackendPortal." : a.Definition;
            await Emit(Entity("API", a.Slug, a.Name, a.Description, a.Tags, new()
            {
                ["type"] = BackstageRules.ApiTypeName(a.Type),
                ["lifecycle"] = BackstageRules.LifecycleName(a.Lifecycle),
                ["owner"] = Group(a.OwnerTeamId),
                ["system"] = System(a.SystemId),
                ["definition"] = definition,
            }));
        }

        await foreach (var d in db.Databases.AsNoTracking().OrderBy(d => d.SlugKey).AsAsyncEnumerable().WithCancellation(ct))
        {
            var entity = Entity("Resource", d.Slug, d.Name, d.Description, d.Tags, new()
            {
                ["type"] = "database",
                ["owner"] = Group(d.OwnerTeamId),
                ["system"] = System(d.SystemId),
            });
            ((Dictionary<string, object?>)entity["metadata"]!)["annotations"] = Annotations(
                ("engine", BackstageRules.EngineName(d.Engine)),
                ("engine-version", d.EngineVersion),
                ("environment", BackstageRules.EnvironmentName(d.Environment)),
                ("host", d.Host),
                ("capacity-bytes", d.CapacityBytes?.ToString(CultureInfo.InvariantCulture)),
                ("backup-frequency-hours", d.BackupFrequencyHours?.ToString(CultureInfo.InvariantCulture)),
                ("rpo-minutes", d.RpoMinutes?.ToString(CultureInfo.InvariantCulture)),
                ("rto-minutes", d.RtoMinutes?.ToString(CultureInfo.InvariantCulture)));
            await Emit(entity);
        }

        await foreach (var r in db.Resources.AsNoTracking().OrderBy(r => r.SlugKey).AsAsyncEnumerable().WithCancellation(ct))
        {
            await Emit(Entity("Resource", r.Slug, r.Name, r.Description, r.Tags, new()
            {
                ["type"] = r.Type,
                ["owner"] = Group(r.OwnerTeamId),
                ["system"] = System(r.SystemId),
            }));
        }
        await writer.FlushAsync(ct);
    }

    private static Dictionary<string, object?> Entity(string kind, string name, string? title, string? description, IEnumerable<string> tags, Dictionary<string, object?> spec) => new()
    {
        ["apiVersion"] = BackstageRules.ApiVersionAlpha,
        ["kind"] = kind,
        ["metadata"] = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["title"] = title is null || title == name ? null : title,
            ["description"] = description,
            ["tags"] = tags.Select(BackstageRules.ToTag).OfType<string>().Distinct().ToList(),
        },
        ["spec"] = spec,
    };

    private static Dictionary<string, object?> Annotations(params (string Name, string? Value)[] values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => BackstageRules.AnnotationPrefix + v.Name, v => (object?)v.Value);

    private static List<string> Sorted(IEnumerable<string> refs) => [.. refs.Order(StringComparer.Ordinal)];

    /// <summary>The import keeps a $text/$json/$yaml substitution as one line "$text: target"; it goes out as the map it was.</summary>
    internal static (string Key, string Target)? SubstitutionOf(string definition)
    {
        foreach (var key in new[] { "$text", "$json", "$yaml" })
        {
            if (definition.StartsWith(key + ": ", StringComparison.Ordinal) && !definition.Contains('\n'))
            {
                return (key, definition[(key.Length + 2)..]);
            }
        }
        return null;
    }

    /// <summary>Drops empty values, except the lists Backstage requires to be present (children, memberOf).</summary>
    private static Dictionary<string, object?> Compact(Dictionary<string, object?> map)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, value) in map)
        {
            switch (value)
            {
                case null:
                    continue;
                case Dictionary<string, object?> inner:
                    var compacted = Compact(inner);
                    if (compacted.Count > 0 || key == "spec")
                    {
                        result[key] = compacted;
                    }
                    break;
                case System.Collections.ICollection { Count: 0 } when key is not ("children" or "memberOf"):
                    continue;
                default:
                    result[key] = value;
                    break;
            }
        }
        return result;
    }
}
