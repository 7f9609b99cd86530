using System.Globalization;
using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Databases;
using BackendPortal.Features.People;
using BackendPortal.Features.Search;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Teams;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Catalog;

/// <summary>
/// Imports Backstage descriptor files. Everything is checked before anything is written; then the
/// changes go in with a handful of batched saves inside one transaction. Existing rows are read in
/// bulk (one query per table), never one query per entity, so 10,000 entities take seconds.
/// </summary>
public sealed class BackstageImportService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    private const char Sep = '\u001f';

    public Task<ImportOutcome> ImportAsync(Actor actor, string yaml, bool dryRun, CancellationToken ct = default) =>
        ImportAsync(actor, [new ImportSource(null, yaml)], dryRun, null, ct);

    public async Task<ImportOutcome> ImportAsync(
        Actor actor, IReadOnlyList<ImportSource> sources, bool dryRun, IProgress<ImportProgress>? progress, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        var errors = new List<ImportError>();
        var items = new List<ImportItem>();
        var entities = new List<BackstageEntity>();

        // 1. Read and check every document on its own.
        var documents = new List<YamlDocument>();
        foreach (var source in sources)
        {
            try
            {
                documents.AddRange(YamlDocuments.Read(source.Text, sources.Count > 1 ? source.Name : null, documents.Count == 0 ? 1 : documents[^1].Number + 1));
            }
            catch (YamlReadException e)
            {
                errors.Add(new ImportError(e.Document, e.FileName, e.Line, "", "", $"line {e.Line}, column {e.Column}", e.Describe()));
                return Fail(items, errors, dryRun, forbidden: false);
            }
            ct.ThrowIfCancellationRequested();
        }
        progress?.Report(new ImportProgress("Checking documents", 0, documents.Count));
        foreach (var document in documents)
        {
            var entity = new BackstageEntityReader(document, errors).Read(out var skippedKind, out var skippedName, out var reason);
            if (entity is not null)
            {
                entities.Add(entity);
            }
            else if (skippedKind is not null)
            {
                items.Add(new ImportItem(document.Number, skippedKind, skippedName ?? "",
                    skippedKind == BackstageKinds.Location ? ImportActions.Skipped : ImportActions.Unknown, document.Source, document.Line, reason));
            }
        }

        // 2. Duplicates inside the file: one entity per kind and name (Resources share one namespace).
        var seen = new Dictionary<(string, string), BackstageEntity>();
        foreach (var entity in entities.ToList())
        {
            if (seen.TryGetValue((entity.Kind, entity.Key), out var first)
                && first.Namespace != entity.Namespace && (first.Namespace == EntityRef.DefaultNamespace || entity.Namespace == EntityRef.DefaultNamespace))
            {
                // Backstage's own example org defines user 'guest' in 'default' and again in 'development'. The portal
                // keeps the default namespace's entity (the one an unqualified reference means) and lists the other as skipped.
                var (kept, dropped) = first.Namespace == EntityRef.DefaultNamespace ? (first, entity) : (entity, first);
                entities.Remove(dropped);
                seen[(entity.Kind, entity.Key)] = kept;
                items.Add(new ImportItem(dropped.Document, dropped.Kind, dropped.Name, ImportActions.Skipped, dropped.Source, dropped.Line,
                    $"{dropped.Kind} '{dropped.Name}' of namespace '{dropped.Namespace}' has the name of document {kept.Document} in namespace 'default'. "
                    + $"BackendPortal has one namespace: it keeps document {kept.Document}, and references to {dropped.Namespace}/{dropped.Name} mean that one."));
            }
            else if (first is not null)
            {
                errors.Add(first.Namespace == entity.Namespace
                    ? new ImportError(entity.Document, entity.Source, entity.Line, entity.Kind, entity.Name, "metadata.name",
                        $"{entity.Kind} '{entity.Name}' is already defined by document {first.Document} (names compare ignoring case).")
                    : new ImportError(entity.Document, entity.Source, entity.Line, entity.Kind, entity.Name, "metadata.namespace",
                        $"{entity.Kind} '{entity.Name}' of namespace '{entity.Namespace}' is already defined by document {first.Document} in namespace "
                        + $"'{first.Namespace}'. BackendPortal has one namespace, so names must differ across namespaces."));
                entities.Remove(entity);
            }
            else
            {
                seen[(entity.Kind, entity.Key)] = entity;
            }
        }
        progress?.Report(new ImportProgress("Comparing with the catalog", 0, entities.Count));

        // 3. Compare with what is stored, resolving references against the file and the database.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var plan = new ImportPlan(entities, errors);
        await plan.LoadAsync(db, ct);
        plan.Resolve();
        plan.Compare();
        await plan.CheckAccessAsync(db, actor, ct);

        var firstError = errors.GroupBy(e => e.Document).ToDictionary(g => g.Key, g => g.First());
        foreach (var entity in entities)
        {
            var action = firstError.ContainsKey(entity.Document) ? ImportActions.Error : plan.Actions.GetValueOrDefault(entity, ImportActions.Error);
            var message = action == ImportActions.Error ? firstError.GetValueOrDefault(entity.Document)?.Message : null;
            items.Add(new ImportItem(entity.Document, entity.Kind, entity.Name, action, entity.Source, entity.Line, message));
        }
        var listed = items.Select(i => i.Document).ToHashSet();
        foreach (var failed in errors.Where(e => !listed.Contains(e.Document)).GroupBy(e => e.Document))
        {
            var e = failed.First();
            items.Add(new ImportItem(e.Document, e.Kind, e.Name, ImportActions.Error, e.Source, e.Line, e.Message));
        }
        items.Sort((a, b) => a.Document.CompareTo(b.Document));
        if (errors.Count > 0)
        {
            return Fail(items, errors, dryRun, plan.Forbidden);
        }

        var summary = Summarize(items, dryRun);
        if (dryRun || summary.Created + summary.Updated == 0)
        {
            if (!dryRun)
            {
                await RecordAsync(db, actor, summary, ct);
            }
            return new ImportOutcome(summary, [], false);
        }

        // 4. Write.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.DeferredSearchIndex = new DeferredSearchIndex();
        await plan.ApplyAsync(db, actor.Name, clock.GetUtcNow().UtcDateTime, progress, ct);
        await SearchIndexInterceptor.FlushDeferredAsync(db, ct);
        await RecordAsync(db, actor, summary, ct);
        await transaction.CommitAsync(ct);
        progress?.Report(new ImportProgress("Done", entities.Count, entities.Count));
        return new ImportOutcome(summary, [], false);
    }

    private async Task RecordAsync(AppDbContext db, Actor actor, ImportSummary summary, CancellationToken ct)
    {
        // One entry per import, not per entity: a 10,000-entity file would bury the log (docs/decisions/0006).
        audit.Add(db, AuditActions.CatalogImported, actor.UserId, actor.Name,
            string.Create(CultureInfo.InvariantCulture,
                $"Imported a Backstage catalog: {summary.Created} created, {summary.Updated} updated, {summary.Unchanged} unchanged, {summary.Skipped} skipped"),
            "catalog", "backstage");
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct);
    }

    private static ImportSummary Summarize(List<ImportItem> items, bool dryRun) => new(
        items.Count(i => i.Action == ImportActions.Created),
        items.Count(i => i.Action == ImportActions.Updated),
        items.Count(i => i.Action == ImportActions.Unchanged),
        items.Count(i => i.Action is ImportActions.Skipped or ImportActions.Unknown),
        dryRun,
        items);

    private static ImportOutcome Fail(List<ImportItem> items, List<ImportError> errors, bool dryRun, bool forbidden) =>
        new(Summarize(items, dryRun), errors.OrderBy(e => e.Document).ToList(), forbidden);

    internal static string Join(IEnumerable<string> values) => string.Join(Sep, values);

    internal static string JoinSorted(IEnumerable<string> values) => string.Join(Sep, values.Order(StringComparer.Ordinal));
}

/// <summary>The comparison of one file with the stored catalog, and the writes it leads to.</summary>
internal sealed class ImportPlan(List<BackstageEntity> entities, List<ImportError> errors)
{
    public Dictionary<BackstageEntity, string> Actions { get; } = [];
    public bool Forbidden { get; private set; }

    // Stored rows: tracked entities for names in the file, id↔key maps for every row.
    private readonly KeyMap teams = new(), people = new(), systems = new(), domains = new(), services = new(), apis = new(), databases = new(), resources = new();
    private Dictionary<string, Team> teamRows = [];
    private Dictionary<string, Person> personRows = [];
    private Dictionary<string, CatalogSystem> systemRows = [];
    private Dictionary<string, CatalogDomain> domainRows = [];
    private Dictionary<string, Service> serviceRows = [];
    private Dictionary<string, CatalogApi> apiRows = [];
    private Dictionary<string, CatalogDatabase> databaseRows = [];
    private Dictionary<string, CatalogResource> resourceRows = [];
    private List<ServiceDependency> dependencyRows = [];
    private List<ServiceDatabase> serviceDatabaseRows = [];
    private List<ServiceResource> serviceResourceRows = [];
    private List<ServiceApiLink> apiLinkRows = [];
    private List<TeamMember> memberRows = [];
    private ILookup<int, ServiceDependency> dependenciesOf = Empty<ServiceDependency>();
    private ILookup<int, ServiceDatabase> databasesOf = Empty<ServiceDatabase>();
    private ILookup<int, ServiceResource> resourcesOf = Empty<ServiceResource>();
    private ILookup<int, ServiceApiLink> apiLinksOf = Empty<ServiceApiLink>();
    private ILookup<int, TeamMember> membershipsOf = Empty<TeamMember>();

    private static ILookup<int, T> Empty<T>() => Array.Empty<T>().ToLookup(_ => 0);

    private Dictionary<string, BackstageEntity> Of(string kind, bool? database = null) =>
        entities.Where(e => e.Kind == kind && (database is null || e.IsDatabase == database)).ToDictionary(e => e.Key);

    private Dictionary<string, BackstageEntity> fileGroups = [], fileUsers = [], fileSystems = [], fileDomains = [], fileComponents = [], fileApis = [], fileDatabases = [], fileResources = [];

    // Desired state, by entity.
    private readonly Dictionary<BackstageEntity, object> desired = [];
    private readonly Dictionary<string, string?> desiredParent = [];
    private readonly Dictionary<string, HashSet<string>> desiredMemberships = [];
    private readonly List<(string Team, int PersonId)> addedGroupMembers = [];

    public async Task LoadAsync(AppDbContext db, CancellationToken ct)
    {
        fileGroups = Of(BackstageKinds.Group);
        fileUsers = Of(BackstageKinds.User);
        fileSystems = Of(BackstageKinds.System);
        fileDomains = Of(BackstageKinds.Domain);
        fileComponents = Of(BackstageKinds.Component);
        fileApis = Of(BackstageKinds.Api);
        fileDatabases = Of(BackstageKinds.Resource, database: true);
        fileResources = Of(BackstageKinds.Resource, database: false);

        teams.Load(await db.Teams.AsNoTracking().Select(t => new KeyId(t.Id, t.SlugKey)).ToListAsync(ct));
        people.Load(await db.People.AsNoTracking().Select(t => new KeyId(t.Id, t.SlugKey)).ToListAsync(ct));
        systems.Load(await db.Systems.AsNoTracking().Select(t => new KeyId(t.Id, t.SlugKey)).ToListAsync(ct));
        domains.Load(await db.Domains.AsNoTracking().Select(t => new KeyId(t.Id, t.SlugKey)).ToListAsync(ct));
        services.Load(await db.Services.AsNoTracking().Select(t => new KeyId(t.Id, t.SlugKey)).ToListAsync(ct));
        apis.Load(await db.Apis.AsNoTracking().Select(t => new KeyId(t.Id, t.SlugKey)).ToListAsync(ct));
        databases.Load(await db.Databases.AsNoTracking().Select(t => new KeyId(t.Id, t.SlugKey)).ToListAsync(ct));
        resources.Load(await db.Resources.AsNoTracking().Select(t => new KeyId(t.Id, t.SlugKey)).ToListAsync(ct));

        var keys = fileGroups.Keys.ToList();
        teamRows = (await db.Teams.Where(t => keys.Contains(t.SlugKey)).ToListAsync(ct)).ToDictionary(t => t.SlugKey);
        keys = fileUsers.Keys.ToList();
        personRows = (await db.People.Where(t => keys.Contains(t.SlugKey)).ToListAsync(ct)).ToDictionary(t => t.SlugKey);
        keys = fileSystems.Keys.ToList();
        systemRows = (await db.Systems.Where(t => keys.Contains(t.SlugKey)).ToListAsync(ct)).ToDictionary(t => t.SlugKey);
        keys = fileDomains.Keys.ToList();
        domainRows = (await db.Domains.Where(t => keys.Contains(t.SlugKey)).ToListAsync(ct)).ToDictionary(t => t.SlugKey);
        keys = fileComponents.Keys.ToList();
        serviceRows = (await db.Services.Where(t => keys.Contains(t.SlugKey)).ToListAsync(ct)).ToDictionary(t => t.SlugKey);
        keys = fileApis.Keys.ToList();
        apiRows = (await db.Apis.Where(t => keys.Contains(t.SlugKey)).ToListAsync(ct)).ToDictionary(t => t.SlugKey);
        keys = fileDatabases.Keys.ToList();
        databaseRows = (await db.Databases.Where(t => keys.Contains(t.SlugKey)).ToListAsync(ct)).ToDictionary(t => t.SlugKey);
        keys = fileResources.Keys.ToList();
        resourceRows = (await db.Resources.Where(t => keys.Contains(t.SlugKey)).ToListAsync(ct)).ToDictionary(t => t.SlugKey);

        if (serviceRows.Count > 0)
        {
            // A whole-table read is one scan; a list of thousands of ids would be a bigger query than the answer.
            var ids = serviceRows.Values.Select(s => s.Id).ToHashSet();
            dependencyRows = [.. (await db.ServiceDependencies.ToListAsync(ct)).Where(r => ids.Contains(r.ServiceId))];
            serviceDatabaseRows = [.. (await db.ServiceDatabases.ToListAsync(ct)).Where(r => ids.Contains(r.ServiceId))];
            serviceResourceRows = [.. (await db.ServiceResources.ToListAsync(ct)).Where(r => ids.Contains(r.ServiceId))];
            apiLinkRows = [.. (await db.ServiceApis.ToListAsync(ct)).Where(r => ids.Contains(r.ServiceId))];
        }
        if (fileUsers.Count > 0 || fileGroups.Values.Any(g => g.Members.Count > 0))
        {
            memberRows = await db.TeamMembers.ToListAsync(ct);
        }
        dependenciesOf = dependencyRows.ToLookup(r => r.ServiceId);
        databasesOf = serviceDatabaseRows.ToLookup(r => r.ServiceId);
        resourcesOf = serviceResourceRows.ToLookup(r => r.ServiceId);
        apiLinksOf = apiLinkRows.ToLookup(r => r.ServiceId);
        membershipsOf = memberRows.ToLookup(r => r.PersonId);
    }

    /// <summary>Every reference must name something in the file or already in the portal.</summary>
    public void Resolve()
    {
        foreach (var e in entities)
        {
            if (e.Owner is { } owner)
            {
                Expect(e, "spec.owner", owner, "group", "Owners are teams in BackendPortal: reference a Group (group:default/name).");
            }
            if (e.System is { } system)
            {
                Expect(e, "spec.system", system, "system", null);
            }
            foreach (var r in e.ProvidesApis)
            {
                Expect(e, $"spec.providesApis[{r.Index}]", r, "api", null);
            }
            foreach (var r in e.ConsumesApis)
            {
                Expect(e, $"spec.consumesApis[{r.Index}]", r, "api", null);
            }
            if (e.Kind == BackstageKinds.Component)
            {
                foreach (var r in e.DependsOn)
                {
                    if (r.Kind is "component" or "resource")
                    {
                        Expect(e, $"spec.dependsOn[{r.Index}]", r, r.Kind, null);
                    }
                    else
                    {
                        Error(e, $"spec.dependsOn[{r.Index}]", $"A component can depend on components and resources, not on '{r}'.");
                    }
                }
            }
            foreach (var r in e.MemberOf)
            {
                Expect(e, $"spec.memberOf[{r.Index}]", r, "group", null);
            }
            foreach (var r in e.Children)
            {
                Expect(e, $"spec.children[{r.Index}]", r, "group", null);
            }
            foreach (var r in e.Members)
            {
                Expect(e, $"spec.members[{r.Index}]", r, "user", null);
            }
            if (e.Parent is { } parent)
            {
                Expect(e, "spec.parent", parent, "group", null);
            }
            if (e.Kind == BackstageKinds.Resource)
            {
                if (e.IsDatabase && resources.Has(e.Key))
                {
                    Error(e, "spec.type", $"'{e.Name}' is stored as a generic resource; a resource cannot become a database by import. Delete it in the portal first.");
                }
                else if (!e.IsDatabase && databases.Has(e.Key))
                {
                    Error(e, "spec.type", $"'{e.Name}' is stored as a database; change its type in the portal, not by import.");
                }
            }
        }

        // Group hierarchy: a group's parent is its spec.parent, or the group in the file that lists it as a child.
        foreach (var group in fileGroups.Values)
        {
            desiredParent[group.Key] = group.Parent?.Key;
        }
        foreach (var group in fileGroups.Values)
        {
            foreach (var child in group.Children)
            {
                if (!fileGroups.TryGetValue(child.Key, out var childEntity))
                {
                    continue;
                }
                if (desiredParent[child.Key] is { } stated && stated != group.Key)
                {
                    Error(childEntity, "spec.parent", $"Group '{child.Name}' names parent '{stated}' but group '{group.Name}' lists it as a child.");
                }
                desiredParent[child.Key] = group.Key;
            }
        }
        foreach (var group in fileGroups.Values)
        {
            var path = new HashSet<string> { group.Key };
            for (var at = desiredParent.GetValueOrDefault(group.Key); at is not null; at = ParentOf(at))
            {
                if (!path.Add(at))
                {
                    Error(group, "spec.parent", $"Group '{group.Name}' is its own ancestor: the parent chain loops through '{at}'.");
                    break;
                }
            }
        }

        // Memberships: a user's memberOf plus every group in the file that lists the user as a member.
        foreach (var user in fileUsers.Values)
        {
            desiredMemberships[user.Key] = [.. user.MemberOf.Select(r => r.Key)];
        }
        foreach (var group in fileGroups.Values)
        {
            foreach (var member in group.Members)
            {
                if (desiredMemberships.TryGetValue(member.Key, out var set))
                {
                    set.Add(group.Key);
                }
            }
        }
    }

    private string? ParentOf(string teamKey)
    {
        if (desiredParent.TryGetValue(teamKey, out var parent))
        {
            return parent;
        }
        return teams.IdOf(teamKey) is { } id && teamParentById.TryGetValue(id, out var parentId) && parentId is { } p ? teams.KeyOf(p) : null;
    }

    private Dictionary<int, int?> teamParentById = [];

    private void Expect(BackstageEntity e, string field, EntityRef r, string kind, string? wrongKindMessage)
    {
        if (r.Kind != kind)
        {
            Error(e, field, wrongKindMessage ?? $"'{r}' must reference a {kind}.");
            return;
        }
        var found = kind switch
        {
            "group" => fileGroups.ContainsKey(r.Key) || teams.Has(r.Key),
            "user" => fileUsers.ContainsKey(r.Key) || people.Has(r.Key),
            "system" => fileSystems.ContainsKey(r.Key) || systems.Has(r.Key),
            "domain" => fileDomains.ContainsKey(r.Key) || domains.Has(r.Key),
            "component" => fileComponents.ContainsKey(r.Key) || services.Has(r.Key),
            "api" => fileApis.ContainsKey(r.Key) || apis.Has(r.Key),
            "resource" => fileDatabases.ContainsKey(r.Key) || fileResources.ContainsKey(r.Key) || databases.Has(r.Key) || resources.Has(r.Key),
            _ => false,
        };
        if (!found)
        {
            Error(e, field, $"'{r}' is neither in this file nor in the portal.");
        }
    }

    private void Error(BackstageEntity e, string field, string message) =>
        errors.Add(new ImportError(e.Document, e.Source, e.Line, e.Kind, e.Name, field, message));

    /// <summary>Builds each entity's desired state and compares it with the stored one, field by field.</summary>
    public void Compare()
    {
        teamParentById = teamRows.Values.ToDictionary(t => t.Id, t => t.ParentTeamId);
        var failed = errors.Select(e => e.Document).ToHashSet();
        foreach (var e in entities)
        {
            if (failed.Contains(e.Document))
            {
                continue;
            }
            var before = errors.Count;
            var (state, stored) = e.Kind switch
            {
                BackstageKinds.Group => (TeamState(e), teamRows.GetValueOrDefault(e.Key) is { } t ? (object)StateOf(t) : null),
                BackstageKinds.User => (PersonState(e), personRows.GetValueOrDefault(e.Key) is { } p ? StateOf(p) : null),
                BackstageKinds.System => (SystemState(e), systemRows.GetValueOrDefault(e.Key) is { } s ? StateOf(s) : null),
                BackstageKinds.Domain => (DomainState(e), domainRows.GetValueOrDefault(e.Key) is { } d ? StateOf(d) : null),
                BackstageKinds.Api => (ApiState(e), apiRows.GetValueOrDefault(e.Key) is { } a ? StateOf(a) : null),
                BackstageKinds.Resource when e.IsDatabase => (DatabaseState(e, databaseRows.GetValueOrDefault(e.Key)), databaseRows.GetValueOrDefault(e.Key) is { } b ? StateOf(b) : null),
                BackstageKinds.Resource => (ResourceState(e), resourceRows.GetValueOrDefault(e.Key) is { } r ? StateOf(r) : null),
                _ => (ServiceState(e, serviceRows.GetValueOrDefault(e.Key)), serviceRows.GetValueOrDefault(e.Key) is { } v ? StateOf(v) : null),
            };
            if (errors.Count > before)
            {
                continue;
            }
            desired[e] = state;
            Actions[e] = stored is null ? ImportActions.Created : Equals(stored, state) ? ImportActions.Unchanged : ImportActions.Updated;
        }

        // Group members who are only in the portal (not in the file) gain the membership; that changes the group.
        foreach (var group in fileGroups.Values.Where(g => Actions.ContainsKey(g)))
        {
            foreach (var member in group.Members.Where(m => !fileUsers.ContainsKey(m.Key)))
            {
                var personId = people.IdOf(member.Key)!.Value;
                var teamId = teams.IdOf(group.Key);
                if (teamId is null || !memberRows.Any(m => m.TeamId == teamId && m.PersonId == personId))
                {
                    addedGroupMembers.Add((group.Key, personId));
                    if (Actions[group] == ImportActions.Unchanged)
                    {
                        Actions[group] = ImportActions.Updated;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Admins import anything. An engineer may import what is owned by their teams (before and after
    /// the change); groups and users change only by an admin. Unchanged documents need no right.
    /// </summary>
    public async Task CheckAccessAsync(AppDbContext db, Actor actor, CancellationToken ct)
    {
        var editable = await CatalogAccess.EditableTeamIdsAsync(db, actor, ct);
        if (editable is null)
        {
            return;
        }
        foreach (var (e, action) in Actions)
        {
            if (action == ImportActions.Unchanged)
            {
                continue;
            }
            if (e.Kind is BackstageKinds.Group or BackstageKinds.User)
            {
                Deny(e, "kind", $"Only admins can import {(e.Kind == BackstageKinds.Group ? "groups (teams)" : "users (people)")}.");
                continue;
            }
            var newOwner = teams.IdOf(e.Owner!.Key);
            var oldOwner = StoredOwnerId(e);
            if (newOwner is null || !editable.Contains(newOwner.Value) || (oldOwner is { } old && !editable.Contains(old)))
            {
                Deny(e, "spec.owner", $"You can only import entities owned by a team you belong to; '{e.Owner.Name}'{(oldOwner is { } o && o != newOwner ? $" (now owned by '{teams.KeyOf(o)}')" : "")} is not one of yours.");
            }
        }
    }

    private void Deny(BackstageEntity e, string field, string message)
    {
        Forbidden = true;
        Actions[e] = ImportActions.Error;
        Error(e, field, message);
    }

    private int? StoredOwnerId(BackstageEntity e) => e.Kind switch
    {
        BackstageKinds.System => systemRows.GetValueOrDefault(e.Key)?.OwnerTeamId,
        BackstageKinds.Domain => domainRows.GetValueOrDefault(e.Key)?.OwnerTeamId,
        BackstageKinds.Api => apiRows.GetValueOrDefault(e.Key)?.OwnerTeamId,
        BackstageKinds.Resource when e.IsDatabase => databaseRows.GetValueOrDefault(e.Key)?.OwnerTeamId,
        BackstageKinds.Resource => resourceRows.GetValueOrDefault(e.Key)?.OwnerTeamId,
        BackstageKinds.Component => serviceRows.GetValueOrDefault(e.Key)?.OwnerTeamId,
        _ => null,
    };

    // ---- desired and stored states -------------------------------------------------------------

    private sealed record TeamRecord(string Slug, string Name, string? Description, string Type, string? Parent);
    private sealed record PersonRecord(string Slug, string Name, string? Email, string MemberOf);
    private sealed record SystemRecord(string Slug, string Name, string? Description, string Owner, string? Domain, string Tags);
    private sealed record DomainRecord(string Slug, string Name, string? Description, string Owner, string Tags);
    private sealed record ApiRecord(string Slug, string Name, string? Description, ApiType Type, Lifecycle Lifecycle, string Owner, string? System, string? Definition, string Tags);
    private sealed record DatabaseRecord(
        string Slug, string Name, string? Description, DatabaseEngine Engine, string? EngineVersion, DeploymentEnvironment Environment, string Owner, string? System,
        string? Host, long? Capacity, int? BackupHours, int? Rpo, int? Rto, string Tags);
    private sealed record ResourceRecord(string Slug, string Name, string? Description, string Type, string Owner, string? System, string Tags);
    private sealed record ServiceRecord(
        string Slug, string Name, string? Description, string Type, Lifecycle Lifecycle, int Tier, string Languages, string? Framework,
        string? RepositoryUrl, string? RunbookUrl, string Tags, string Owner, string? System,
        string DependsOn, string Databases, string Resources, string Provides, string Consumes);

    private static string Title(BackstageEntity e) => e.Title ?? e.Name;

    private static string Tags(IEnumerable<string> tags) => BackstageImportService.Join(tags);

    private object TeamState(BackstageEntity e) =>
        new TeamRecord(e.Name, e.DisplayName ?? e.Title ?? e.Name, e.Description, e.Type!, desiredParent.GetValueOrDefault(e.Key));

    private TeamRecord StateOf(Team t) =>
        new(t.Slug, t.Name, t.Description, t.Type, t.ParentTeamId is { } p ? teams.KeyOf(p) : null);

    private object PersonState(BackstageEntity e) =>
        new PersonRecord(e.Name, e.DisplayName ?? e.Title ?? e.Name, e.Email, BackstageImportService.JoinSorted(desiredMemberships[e.Key]));

    private PersonRecord StateOf(Person p) =>
        new(p.Slug, p.Name, p.Email, BackstageImportService.JoinSorted(membershipsOf[p.Id].Select(m => teams.KeyOf(m.TeamId))));

    private object SystemState(BackstageEntity e) =>
        new SystemRecord(e.Name, Title(e), e.Description, e.Owner!.Key, e.Domain, Tags(e.Tags));

    private SystemRecord StateOf(CatalogSystem s) =>
        new(s.Slug, s.Name, s.Description, teams.KeyOf(s.OwnerTeamId), s.Domain, Tags(s.Tags));

    private object DomainState(BackstageEntity e) => new DomainRecord(e.Name, Title(e), e.Description, e.Owner!.Key, Tags(e.Tags));

    private DomainRecord StateOf(CatalogDomain d) => new(d.Slug, d.Name, d.Description, teams.KeyOf(d.OwnerTeamId), Tags(d.Tags));

    private object ApiState(BackstageEntity e)
    {
        var type = BackstageRules.ParseApiType(e.Type!);
        if (type is null)
        {
            Error(e, "spec.type", $"API type '{e.Type}' is not one BackendPortal keeps; use openapi, asyncapi, graphql or grpc.");
        }
        return new ApiRecord(e.Name, Title(e), e.Description, type ?? default, Lifecycle(e), e.Owner!.Key, e.System?.Key, e.Definition, Tags(e.Tags));
    }

    private ApiRecord StateOf(CatalogApi a) =>
        new(a.Slug, a.Name, a.Description, a.Type, a.Lifecycle, teams.KeyOf(a.OwnerTeamId), a.SystemId is { } s ? systems.KeyOf(s) : null, a.Definition, Tags(a.Tags));

    private Lifecycle Lifecycle(BackstageEntity e)
    {
        var lifecycle = BackstageRules.ParseLifecycle(e.LifecycleText!);
        if (lifecycle is null)
        {
            Error(e, "spec.lifecycle", $"Lifecycle '{e.LifecycleText}' is not one BackendPortal knows; use experimental, production or deprecated (common synonyms such as beta, stable or retired are mapped).");
        }
        return lifecycle ?? default;
    }

    private object DatabaseState(BackstageEntity e, CatalogDatabase? stored)
    {
        DatabaseEngine? engine = null;
        foreach (var (field, text) in new[] { ("spec.engine", e.Engine), ("metadata.annotations.backendportal.io/engine", e.Annotation("engine")) })
        {
            if (text is null || engine is not null)
            {
                continue;
            }
            engine = BackstageRules.ParseEngine(text);
            if (engine is null)
            {
                Error(e, field, $"Engine '{text}' is not one BackendPortal knows: postgresql, sqlserver, mysql, mariadb, mongodb, redis, sqlite, oracle or other.");
            }
        }
        engine ??= e.Tags.Select(BackstageRules.ParseEngine).FirstOrDefault(x => x is not null and not DatabaseEngine.Other);
        DeploymentEnvironment? environment = null;
        foreach (var (field, text) in new[] { ("spec.environment", e.Environment), ("metadata.annotations.backendportal.io/environment", e.Annotation("environment")) })
        {
            if (text is null || environment is not null)
            {
                continue;
            }
            environment = BackstageRules.ParseEnvironment(text);
            if (environment is null)
            {
                Error(e, field, $"Environment '{text}' is not one BackendPortal knows: production, staging or development.");
            }
        }
        var host = e.Annotation("host") ?? stored?.Host;
        if (host is not null && BackstageRules.CarriesCredentials(host))
        {
            Error(e, "metadata.annotations.backendportal.io/host", "The host carries a password or credentials; BackendPortal never stores credentials. Give the host or cluster name only.");
        }
        if (host is { Length: > 255 })
        {
            Error(e, "metadata.annotations.backendportal.io/host", "The host must be at most 255 characters.");
        }
        return new DatabaseRecord(
            e.Name, Title(e), e.Description,
            engine ?? stored?.Engine ?? DatabaseEngine.Other,
            e.Annotation("engine-version") ?? stored?.EngineVersion,
            environment ?? stored?.Environment ?? DeploymentEnvironment.Production,
            e.Owner!.Key, e.System?.Key, host,
            Number(e, "capacity-bytes", stored?.CapacityBytes),
            (int?)Number(e, "backup-frequency-hours", stored?.BackupFrequencyHours),
            (int?)Number(e, "rpo-minutes", stored?.RpoMinutes),
            (int?)Number(e, "rto-minutes", stored?.RtoMinutes),
            Tags(e.Tags));
    }

    private long? Number(BackstageEntity e, string annotation, long? stored)
    {
        var text = e.Annotation(annotation);
        if (text is null)
        {
            return stored;
        }
        var max = annotation == "capacity-bytes" ? long.MaxValue : int.MaxValue;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
        {
            Error(e, $"metadata.annotations.{BackstageRules.AnnotationPrefix}{annotation}", $"'{text}' must be a whole number of at least 0.");
            return stored;
        }
        return value;
    }

    private DatabaseRecord StateOf(CatalogDatabase d) => new(
        d.Slug, d.Name, d.Description, d.Engine, d.EngineVersion, d.Environment, teams.KeyOf(d.OwnerTeamId), d.SystemId is { } s ? systems.KeyOf(s) : null,
        d.Host, d.CapacityBytes, d.BackupFrequencyHours, d.RpoMinutes, d.RtoMinutes, Tags(d.Tags));

    private object ResourceState(BackstageEntity e) =>
        new ResourceRecord(e.Name, Title(e), e.Description, e.Type!, e.Owner!.Key, e.System?.Key, Tags(e.Tags));

    private ResourceRecord StateOf(CatalogResource r) =>
        new(r.Slug, r.Name, r.Description, r.Type, teams.KeyOf(r.OwnerTeamId), r.SystemId is { } s ? systems.KeyOf(s) : null, Tags(r.Tags));

    private object ServiceState(BackstageEntity e, Service? stored)
    {
        var tier = stored?.Tier ?? 3;
        if (e.Annotation("tier") is { } tierText)
        {
            if (tierText.Trim() is "1" or "2" or "3")
            {
                tier = int.Parse(tierText.Trim(), CultureInfo.InvariantCulture);
            }
            else
            {
                Error(e, "metadata.annotations.backendportal.io/tier", $"Tier '{tierText}' must be 1, 2 or 3 (1 is the most critical).");
            }
        }
        var languages = e.Annotation("languages") is { } langs
            ? langs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(KnownLanguages.Canonical).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : stored?.Languages ?? [];
        if (languages.Count > 20 || languages.Any(l => l.Length > 40))
        {
            Error(e, "metadata.annotations.backendportal.io/languages", "At most 20 languages of at most 40 characters each.");
        }
        var framework = e.Annotation("framework") ?? stored?.Framework;
        if (framework is { Length: > 100 })
        {
            Error(e, "metadata.annotations.backendportal.io/framework", "The framework must be at most 100 characters.");
        }
        if (e.Tags.Count > 30)
        {
            Error(e, "metadata.tags", "A component may carry at most 30 tags.");
        }
        var (repository, runbook) = Urls(e);
        var deps = e.DependsOn.Where(r => r.Kind == "component").Select(r => r.Key);
        var resourceDeps = e.DependsOn.Where(r => r.Kind == "resource").ToList();
        var dbs = resourceDeps.Where(r => fileDatabases.ContainsKey(r.Key) || (!fileResources.ContainsKey(r.Key) && databases.Has(r.Key))).Select(r => r.Key).ToList();
        var res = resourceDeps.Select(r => r.Key).Except(dbs);
        return new ServiceRecord(
            e.Name, Title(e), e.Description, e.Type!, Lifecycle(e), tier, BackstageImportService.Join(languages), framework,
            repository, runbook, Tags(e.Tags), e.Owner!.Key, e.System?.Key,
            BackstageImportService.JoinSorted(deps), BackstageImportService.JoinSorted(dbs), BackstageImportService.JoinSorted(res),
            BackstageImportService.JoinSorted(e.ProvidesApis.Select(r => r.Key)), BackstageImportService.JoinSorted(e.ConsumesApis.Select(r => r.Key)));
    }

    private ServiceRecord StateOf(Service s) => new(
        s.Slug, s.Name, s.Description, s.Type, s.Lifecycle, s.Tier, BackstageImportService.Join(s.Languages), s.Framework,
        s.RepositoryUrl, s.RunbookUrl, Tags(s.Tags), teams.KeyOf(s.OwnerTeamId), s.SystemId is { } sys ? systems.KeyOf(sys) : null,
        BackstageImportService.JoinSorted(dependenciesOf[s.Id].Select(r => services.KeyOf(r.DependsOnId))),
        BackstageImportService.JoinSorted(databasesOf[s.Id].Select(r => databases.KeyOf(r.DatabaseId))),
        BackstageImportService.JoinSorted(resourcesOf[s.Id].Select(r => resources.KeyOf(r.ResourceId))),
        BackstageImportService.JoinSorted(apiLinksOf[s.Id].Where(r => r.Role == ApiRole.Provides).Select(r => apis.KeyOf(r.ApiId))),
        BackstageImportService.JoinSorted(apiLinksOf[s.Id].Where(r => r.Role == ApiRole.Consumes).Select(r => apis.KeyOf(r.ApiId))));

    /// <summary>Repository and runbook links, recognised by link type or title, then by the usual source annotations.</summary>
    internal static (string? Repository, string? Runbook) Urls(BackstageEntity e)
    {
        static bool Http(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) && url.Length <= 2048;
        static bool Says(EntityLink l, params string[] words) =>
            words.Any(w => (l.Type ?? "").Contains(w, StringComparison.OrdinalIgnoreCase) || (l.Title ?? "").Contains(w, StringComparison.OrdinalIgnoreCase));
        var links = e.Links.Where(l => Http(l.Url)).ToList();
        var repository = links.FirstOrDefault(l => Says(l, "repository", "repo", "source"))?.Url;
        if (repository is null && e.Annotations.TryGetValue("backstage.io/source-location", out var location) && location.StartsWith("url:", StringComparison.Ordinal))
        {
            var url = location[4..].Trim();
            repository = Http(url) ? url : null;
        }
        if (repository is null && e.Annotations.TryGetValue("github.com/project-slug", out var slug) && slug.Count(c => c == '/') == 1)
        {
            repository = "https://github.com/" + slug.Trim();
        }
        var runbook = links.FirstOrDefault(l => Says(l, "runbook", "playbook"))?.Url;
        return (repository, runbook);
    }

    // ---- writing --------------------------------------------------------------------------------

    private IEnumerable<(BackstageEntity Entity, T State)> Changed<T>(string kind)
    {
        foreach (var (e, state) in desired)
        {
            if (state is T typed && e.Kind == kind && Actions[e] is ImportActions.Created or ImportActions.Updated)
            {
                yield return (e, typed);
            }
        }
    }

    public async Task ApplyAsync(AppDbContext db, string actor, DateTime now, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var total = Actions.Count(a => a.Value is ImportActions.Created or ImportActions.Updated);
        var done = 0;
        void Report(string stage, int count)
        {
            done += count;
            progress?.Report(new ImportProgress(stage, done, total));
        }

        // Teams first (everything else is owned by one), then their parents once every team has an id.
        var newTeams = new List<(string Key, Team Team)>();
        foreach (var (e, s) in Changed<TeamRecord>(BackstageKinds.Group))
        {
            var team = teamRows.GetValueOrDefault(e.Key) ?? Added(db, new Team(), t => newTeams.Add((e.Key, t)));
            team.Slug = s.Slug;
            team.SlugKey = e.Key;
            team.Name = s.Name;
            team.Description = s.Description;
            team.Type = s.Type;
            team.Stamp(actor, now);
        }
        await SaveAsync(db, ct);
        foreach (var (key, team) in newTeams)
        {
            teams.Add(key, team.Id);
        }
        foreach (var (e, s) in Changed<TeamRecord>(BackstageKinds.Group))
        {
            var team = teamRows.GetValueOrDefault(e.Key) ?? newTeams.First(t => t.Key == e.Key).Team;
            team.ParentTeamId = s.Parent is null ? null : teams.IdOf(s.Parent);
        }
        await SaveAsync(db, ct);
        Report("Teams", newTeams.Count);

        var newSystems = new List<(string, AuditedEntity)>();
        foreach (var (e, s) in Changed<SystemRecord>(BackstageKinds.System))
        {
            var row = systemRows.GetValueOrDefault(e.Key) ?? Added(db, new CatalogSystem(), x => newSystems.Add((e.Key, x)));
            (row.Slug, row.SlugKey, row.Name, row.Description, row.OwnerTeamId, row.Domain, row.Tags) = (s.Slug, e.Key, s.Name, s.Description, teams.IdOf(s.Owner)!.Value, s.Domain, [.. e.Tags]);
            row.Stamp(actor, now);
        }
        foreach (var (e, s) in Changed<DomainRecord>(BackstageKinds.Domain))
        {
            var row = domainRows.GetValueOrDefault(e.Key) ?? Added(db, new CatalogDomain(), _ => { });
            (row.Slug, row.SlugKey, row.Name, row.Description, row.OwnerTeamId, row.Tags) = (s.Slug, e.Key, s.Name, s.Description, teams.IdOf(s.Owner)!.Value, [.. e.Tags]);
            row.Stamp(actor, now);
        }
        await SaveAsync(db, ct);
        foreach (var (key, row) in newSystems)
        {
            systems.Add(key, row.Id);
        }
        Report("Systems and domains", newSystems.Count);

        var newApis = new List<(string, AuditedEntity)>();
        var newDatabases = new List<(string, AuditedEntity)>();
        var newResources = new List<(string, AuditedEntity)>();
        foreach (var (e, s) in Changed<ApiRecord>(BackstageKinds.Api))
        {
            var row = apiRows.GetValueOrDefault(e.Key) ?? Added(db, new CatalogApi(), x => newApis.Add((e.Key, x)));
            (row.Slug, row.SlugKey, row.Name, row.Description, row.Type, row.Lifecycle) = (s.Slug, e.Key, s.Name, s.Description, s.Type, s.Lifecycle);
            (row.OwnerTeamId, row.SystemId, row.Definition, row.Tags) = (teams.IdOf(s.Owner)!.Value, s.System is null ? null : systems.IdOf(s.System), s.Definition, [.. e.Tags]);
            row.Stamp(actor, now);
        }
        foreach (var (e, s) in Changed<DatabaseRecord>(BackstageKinds.Resource))
        {
            var row = databaseRows.GetValueOrDefault(e.Key) ?? Added(db, new CatalogDatabase(), x => newDatabases.Add((e.Key, x)));
            (row.Slug, row.SlugKey, row.Name, row.Description, row.Engine, row.EngineVersion, row.Environment) = (s.Slug, e.Key, s.Name, s.Description, s.Engine, s.EngineVersion, s.Environment);
            (row.OwnerTeamId, row.SystemId, row.Host, row.CapacityBytes) = (teams.IdOf(s.Owner)!.Value, s.System is null ? null : systems.IdOf(s.System), s.Host, s.Capacity);
            (row.BackupFrequencyHours, row.RpoMinutes, row.RtoMinutes, row.Tags) = (s.BackupHours, s.Rpo, s.Rto, [.. e.Tags]);
            row.Stamp(actor, now);
        }
        foreach (var (e, s) in Changed<ResourceRecord>(BackstageKinds.Resource))
        {
            var row = resourceRows.GetValueOrDefault(e.Key) ?? Added(db, new CatalogResource(), x => newResources.Add((e.Key, x)));
            (row.Slug, row.SlugKey, row.Name, row.Description, row.Type) = (s.Slug, e.Key, s.Name, s.Description, s.Type);
            (row.OwnerTeamId, row.SystemId, row.Tags) = (teams.IdOf(s.Owner)!.Value, s.System is null ? null : systems.IdOf(s.System), [.. e.Tags]);
            row.Stamp(actor, now);
        }
        await SaveAsync(db, ct);
        newApis.ForEach(x => apis.Add(x.Item1, x.Item2.Id));
        newDatabases.ForEach(x => databases.Add(x.Item1, x.Item2.Id));
        newResources.ForEach(x => resources.Add(x.Item1, x.Item2.Id));
        Report("APIs, databases and resources", newApis.Count + newDatabases.Count + newResources.Count);

        var changedServices = new List<(Service Row, ServiceRecord State)>();
        var newServices = new List<(string, AuditedEntity)>();
        foreach (var (e, s) in Changed<ServiceRecord>(BackstageKinds.Component))
        {
            var row = serviceRows.GetValueOrDefault(e.Key) ?? Added(db, new Service(), x => newServices.Add((e.Key, x)));
            (row.Slug, row.SlugKey, row.Name, row.Description, row.Type, row.Lifecycle, row.Tier) = (s.Slug, e.Key, s.Name, s.Description, s.Type, s.Lifecycle, s.Tier);
            (row.Languages, row.Framework, row.RepositoryUrl, row.RunbookUrl, row.Tags) = (Split(s.Languages), s.Framework, s.RepositoryUrl, s.RunbookUrl, [.. e.Tags]);
            (row.OwnerTeamId, row.SystemId) = (teams.IdOf(s.Owner)!.Value, s.System is null ? null : systems.IdOf(s.System));
            row.Stamp(actor, now);
            changedServices.Add((row, s));
        }
        await SaveAsync(db, ct);
        newServices.ForEach(x => services.Add(x.Item1, x.Item2.Id));
        Report("Services", newServices.Count);

        // Relations of the changed services: the file's lists replace the stored ones. Removals go through the
        // tracker; the new rows (tens of thousands in a first import) are written in bulk once the removals are saved.
        var addedDependencies = new List<ServiceDependency>();
        var addedDatabases = new List<ServiceDatabase>();
        var addedResources = new List<ServiceResource>();
        var addedApiLinks = new List<ServiceApiLink>();
        foreach (var (row, s) in changedServices)
        {
            Replace(db, dependenciesOf[row.Id], r => services.KeyOf(r.DependsOnId), Split(s.DependsOn),
                key => addedDependencies.Add(new ServiceDependency { ServiceId = row.Id, DependsOnId = services.IdOf(key)!.Value }));
            Replace(db, databasesOf[row.Id], r => databases.KeyOf(r.DatabaseId), Split(s.Databases),
                key => addedDatabases.Add(new ServiceDatabase { ServiceId = row.Id, DatabaseId = databases.IdOf(key)!.Value }));
            Replace(db, resourcesOf[row.Id], r => resources.KeyOf(r.ResourceId), Split(s.Resources),
                key => addedResources.Add(new ServiceResource { ServiceId = row.Id, ResourceId = resources.IdOf(key)!.Value }));
            foreach (var (role, list) in new[] { (ApiRole.Provides, s.Provides), (ApiRole.Consumes, s.Consumes) })
            {
                Replace(db, apiLinksOf[row.Id].Where(r => r.Role == role), r => apis.KeyOf(r.ApiId), Split(list),
                    key => addedApiLinks.Add(new ServiceApiLink { ServiceId = row.Id, ApiId = apis.IdOf(key)!.Value, Role = role }));
            }
        }
        await SaveAsync(db, ct);
        await BulkInsert.InsertAsync(db, addedDependencies, ct);
        await BulkInsert.InsertAsync(db, addedDatabases, ct);
        await BulkInsert.InsertAsync(db, addedResources, ct);
        await BulkInsert.InsertAsync(db, addedApiLinks, ct);

        var changedPeople = new List<(Person Row, PersonRecord State)>();
        foreach (var (e, s) in Changed<PersonRecord>(BackstageKinds.User))
        {
            var row = personRows.GetValueOrDefault(e.Key) ?? Added(db, new Person(), _ => { });
            (row.Slug, row.SlugKey, row.Name, row.Email) = (s.Slug, e.Key, s.Name, s.Email);
            row.Stamp(actor, now);
            changedPeople.Add((row, s));
        }
        await SaveAsync(db, ct);
        Report("Relations and people", changedPeople.Count);

        foreach (var (row, s) in changedPeople)
        {
            // Stored roles (a team lead) survive; Backstage has no notion of them.
            Replace(db, membershipsOf[row.Id], m => teams.KeyOf(m.TeamId), Split(s.MemberOf),
                key => db.TeamMembers.Add(new TeamMember { PersonId = row.Id, TeamId = teams.IdOf(key)!.Value, Role = TeamRole.Member }));
        }
        foreach (var (team, personId) in addedGroupMembers)
        {
            db.TeamMembers.Add(new TeamMember { PersonId = personId, TeamId = teams.IdOf(team)!.Value, Role = TeamRole.Member });
        }
        await SaveAsync(db, ct);
    }

    private static T Added<T>(AppDbContext db, T entity, Action<T> remember) where T : class
    {
        db.Add(entity);
        remember(entity);
        return entity;
    }

    private static void Replace<TRow>(AppDbContext db, IEnumerable<TRow> stored, Func<TRow, string> keyOf, List<string> wanted, Action<string> add) where TRow : class
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in stored)
        {
            var key = keyOf(row);
            if (wanted.Contains(key) && keep.Add(key))
            {
                continue;
            }
            db.Remove(row);
        }
        foreach (var key in wanted.Distinct().Where(k => !keep.Contains(k)))
        {
            add(key);
        }
    }

    private static List<string> Split(string joined) => joined.Length == 0 ? [] : [.. joined.Split('\u001f')];

    private static async Task SaveAsync(AppDbContext db, CancellationToken ct)
    {
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct);
    }

    private readonly record struct KeyId(int Id, string Key);

    private sealed class KeyMap
    {
        private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
        private readonly Dictionary<int, string> keys = [];

        public void Load(IEnumerable<KeyId> rows)
        {
            foreach (var row in rows)
            {
                Add(row.Key, row.Id);
            }
        }

        public void Add(string key, int id)
        {
            ids[key] = id;
            keys[id] = key;
        }

        public bool Has(string key) => ids.ContainsKey(key);

        public int? IdOf(string key) => ids.TryGetValue(key, out var id) ? id : null;

        public string KeyOf(int id) => keys.TryGetValue(id, out var key) ? key : "";
    }
}
