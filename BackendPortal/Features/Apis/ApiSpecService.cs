using System.IO.Compression;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Services;
using BackendPortal.Live;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Apis;

public sealed class ApiOptions
{
    /// <summary>Largest OpenAPI document an upload may carry (Apis:MaxSpecBytes).</summary>
    public long MaxSpecBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// How much of recently used spec indexes is kept in memory, counted in operations plus schemas
    /// (Apis:IndexCacheItems; a 5 MB spec is about 10,000): the newest index is always kept.
    /// </summary>
    public int IndexCacheItems { get; set; } = 50_000;
}

public sealed class SpecTooLargeException(long limit) : PortalException(
    $"The document is larger than the limit of {limit / (1024 * 1024.0):0.#} MB (Apis:MaxSpecBytes).")
{
    public override int StatusCode => StatusCodes.Status413PayloadTooLarge;
    public override string Title => "The document is too large.";
}

/// <summary>Spec versions of an API: upload (parse, score, diff), reports, consumers and declared usage.</summary>
public sealed class ApiSpecService(
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit, ApiIndexCache indexes, IOptions<ApiOptions> options, ILiveEvents live)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault,
    };

    public long MaxSpecBytes => options.Value.MaxSpecBytes;

    public async Task<ApiIngestResult> IngestAsync(Actor actor, string slug, string text, string? label, bool dryRun, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        if (Encoding.UTF8.GetByteCount(text) > MaxSpecBytes)
        {
            throw new SpecTooLargeException(MaxSpecBytes);
        }
        using var body = SpecBytes.FromString(text);
        return await IngestAsync(actor, slug, body, label, dryRun, ApiIngestMetrics.Start(), ct);
    }

    /// <param name="body">The document's bytes; they must stay valid (not disposed) until the returned task completes.</param>
    /// <param name="stages">Times each stage (<see cref="ApiIngestMetrics"/>); the caller may have marked reading the body already.</param>
    public async Task<ApiIngestResult> IngestAsync(
        Actor actor, string slug, SpecBytes body, string? label, bool dryRun, ApiIngestMetrics.Stages stages, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        if (body.Length > MaxSpecBytes)
        {
            throw new SpecTooLargeException(MaxSpecBytes);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        if (!dryRun && !await CatalogAccess.CanEditForTeamAsync(db, actor, api.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can add versions to '{api.Slug}'.");
        }

        stages.Mark("lookup");
        // Seconds of CPU for a large spec: off the caller's thread, so an upload from the UI never holds its circuit.
        var read = await Task.Run(() => SpecReader.Read(body, stages.Mark), ct);
        // Scoring, packing what is stored and the diff each need only the read spec: they run side by side.
        var scoring = Task.Run(() => SpecScorer.Score(read.Index, read.Diagnostics), ct);
        var packing = dryRun ? null : Task.Run(() => (Index: Pack(read.Index), Head: Pack(SpecHead.From(read.Index)), Document: Gzip(body.Span)), ct);
        try
        {
            return await StoreAsync(actor, db, api, body.Length, read, scoring, packing, label, dryRun, stages, ct);
        }
        finally
        {
            // The packing task reads the caller's body, which is returned to the pool once this returns: on a conflict
            // or a failure it must not outlive the call.
            if (packing is { IsCompleted: false })
            {
                await ((Task)packing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<ApiIngestResult> StoreAsync(
        Actor actor, AppDbContext db, CatalogApi api, int sizeBytes, SpecReadResult read, Task<SpecScore> scoring,
        Task<(byte[] Index, byte[] Head, byte[] Document)>? packing, string? label, bool dryRun, ApiIngestMetrics.Stages stages, CancellationToken ct)
    {
        var version = CheckLabel(label ?? read.Index.InfoVersion);
        if (await db.ApiVersions.AnyAsync(v => v.ApiId == api.Id && v.Label == version, ct))
        {
            throw new ConflictException($"Version '{version}' of '{api.Slug}' already exists; upload with another ?version= label.");
        }
        var previous = await db.ApiVersions.AsNoTracking().Where(v => v.ApiId == api.Id).OrderByDescending(v => v.Sequence)
            .Select(v => new { v.Id, v.Label, v.Sequence }).FirstOrDefaultAsync(ct);
        stages.Mark("previous-load");
        IReadOnlyList<SpecChange> changes = [];
        if (previous is not null)
        {
            // Usually still cached from its own upload (or a reference view); otherwise read back from its stored index.
            var before = await indexes.GetOrLoadAsync(previous.Id, () => ReadIndexAsync(previous.Id));
            stages.Mark("previous-unpack");
            changes = await WithConsumersAsync(db, api.Id, SpecDiff.Compare(before!, read.Index), ct);
            stages.Mark("diff");
        }
        var score = await scoring;
        stages.Mark("score-wait");
        var breaking = changes.Where(c => c.Level == ChangeLevels.Breaking).ToList();
        var result = new ApiIngestResult(version, read.Index.SpecVersion, read.Index.Operations.Count, score.Score, score.Findings,
            previous?.Label, breaking, changes, dryRun);
        if (packing is null)
        {
            return result;
        }

        var packed = await packing;
        stages.Mark("pack-wait");
        var row = new ApiSpecVersion
        {
            ApiId = api.Id,
            Label = version,
            Sequence = (previous?.Sequence ?? 0) + 1,
            SpecVersion = read.Index.SpecVersion,
            Title = read.Index.Title is { Length: > 300 } t ? t[..300] : read.Index.Title,
            OperationCount = read.Index.Operations.Count,
            Score = score.Score,
            FindingCount = score.Findings.Count,
            BreakingCount = breaking.Count,
            WarningCount = changes.Count(c => c.Level == ChangeLevels.Warning),
            SizeBytes = sizeBytes,
            Document = packed.Document,
            Index = packed.Index,
            Head = packed.Head,
            Findings = Pack(new StoredScore(score.Rules, score.Findings)),
            Changes = Pack(changes),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor.Name,
        };
        stages.Mark("pack");
        db.ApiVersions.Add(row);
        audit.Add(db, AuditActions.EntityCreated, actor.UserId, actor.Name,
            $"Added version '{version}' to API '{api.Slug}' ({row.OperationCount} operations, score {row.Score}, {row.BreakingCount} breaking changes)",
            "api-version", $"{api.Slug}@{version}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"Version '{version}' of '{api.Slug}' was added by someone else at the same time; upload again.");
        }
        stages.Mark("save");
        // The next upload diffs against this index and the reference shows it: keep the one just built (an index is
        // never changed once built, and it equals what Unpack would read back).
        indexes.Set(row.Id, read.Index);
        live.Publish(new ApiVersionRecorded(api.Slug, version, row.BreakingCount));
        return result;
    }

    /// <summary>
    /// Deletes one spec version. The version after it is compared again with the one before it, so its stored
    /// changes (and breaking count) stay "against the previous version".
    /// </summary>
    public async Task DeleteVersionAsync(Actor actor, string slug, string version, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, api.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can delete versions of '{api.Slug}'.");
        }
        var row = await db.ApiVersions.Where(v => v.ApiId == api.Id && v.Label == version)
            .Select(v => new { v.Id, v.Label, v.Sequence, v.OperationCount, v.Score }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Version '{version}' of API '{slug}'");
        var next = await db.ApiVersions.Where(v => v.ApiId == api.Id && v.Sequence > row.Sequence).OrderBy(v => v.Sequence).FirstOrDefaultAsync(ct);
        if (next is not null)
        {
            var before = await db.ApiVersions.AsNoTracking().Where(v => v.ApiId == api.Id && v.Sequence < row.Sequence)
                .OrderByDescending(v => v.Sequence).Select(v => v.Index).FirstOrDefaultAsync(ct);
            IReadOnlyList<SpecChange> changes = before is null ? [] :
                await WithConsumersAsync(db, api.Id, SpecDiff.Compare(Unpack<SpecIndex>(before), Unpack<SpecIndex>(next.Index)), ct);
            next.Changes = Pack(changes);
            next.BreakingCount = changes.Count(c => c.Level == ChangeLevels.Breaking);
            next.WarningCount = changes.Count(c => c.Level == ChangeLevels.Warning);
        }
        // The document bytes are not loaded just to delete the row; one transaction keeps delete, re-diff and audit together.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.ApiVersions.Where(v => v.Id == row.Id).ExecuteDeleteAsync(ct);
        audit.Add(db, AuditActions.EntityDeleted, actor.UserId, actor.Name,
            $"Deleted version '{row.Label}' of API '{api.Slug}' ({row.OperationCount} operations, score {row.Score})",
            "api-version", $"{api.Slug}@{row.Label}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // SQLite may hand the id to the next version uploaded.
        indexes.Remove(row.Id);
    }

    public async Task<IReadOnlyList<ApiVersionSummary>> VersionsAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        return await db.ApiVersions.AsNoTracking().Where(v => v.ApiId == api.Id).OrderByDescending(v => v.Sequence)
            .Select(v => new ApiVersionSummary(v.Label, v.SpecVersion, v.Title, v.OperationCount, v.Score, v.FindingCount, v.BreakingCount,
                v.WarningCount, v.SizeBytes, v.CreatedAt, v.CreatedBy))
            .ToListAsync(ct);
    }

    public async Task<ApiScoreReport> ScoreAsync(string slug, string version, CancellationToken ct = default)
    {
        var (row, _) = await VersionAsync(slug, version, v => new { v.Label, v.Score, v.Findings }, ct);
        var stored = Unpack<StoredScore>(row.Findings);
        return new ApiScoreReport(row.Label, row.Score, stored.Rules, stored.Findings);
    }

    public async Task<string> DocumentAsync(string slug, string version, CancellationToken ct = default)
    {
        var (row, _) = await VersionAsync(slug, version, v => new { v.Document }, ct);
        return Encoding.UTF8.GetString(Gunzip(row.Document));
    }

    /// <summary>The operation index of a version (the latest when <paramref name="version"/> is null); null when the API has none.</summary>
    public async Task<(string Version, SpecIndex Index)?> IndexAsync(string slug, string? version, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        var query = db.ApiVersions.AsNoTracking().Where(v => v.ApiId == api.Id);
        var head = await (version is null ? query.OrderByDescending(v => v.Sequence) : query.Where(v => v.Label == version))
            .Select(v => new { v.Id, v.Label }).FirstOrDefaultAsync(ct);
        if (head is null)
        {
            return version is null ? null : throw new NotFoundException($"Version '{version}' of API '{slug}'");
        }
        return (head.Label, await LoadIndexAsync(head.Id));
    }

    /// <summary>
    /// What the reference needs to show its first screen: the full index when it is cached (or the version predates
    /// stored heads), else the stored head alone — a few KB instead of unpacking a multi-MB index — with the full index
    /// starting to load in the background for the live page that follows. Null when the API has no version.
    /// </summary>
    public async Task<ApiReferenceStart?> ReferenceStartAsync(string slug, string? version, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        var query = db.ApiVersions.AsNoTracking().Where(v => v.ApiId == api.Id);
        var row = await (version is null ? query.OrderByDescending(v => v.Sequence) : query.Where(v => v.Label == version))
            .Select(v => new { v.Id, v.Label, v.Head }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return version is null ? null : throw new NotFoundException($"Version '{version}' of API '{slug}'");
        }
        if (indexes.TryGet(row.Id, out var cached))
        {
            return new ApiReferenceStart(row.Label, null, cached);
        }
        if (row.Head is null)
        {
            return new ApiReferenceStart(row.Label, null, await LoadIndexAsync(row.Id));
        }
        _ = LoadIndexAsync(row.Id);
        return new ApiReferenceStart(row.Label, Unpack<SpecHead>(row.Head), null);
    }

    /// <summary>
    /// The index of a stored version, from the cache or read and unpacked once: concurrent callers (the prerender's
    /// background load and the circuit that follows it) share one load. Versions never change once stored, so a cached
    /// index cannot go stale.
    /// </summary>
    private Task<SpecIndex> LoadIndexAsync(int versionId) => indexes.GetOrLoadAsync(versionId, () => ReadIndexAsync(versionId));

    /// <summary>Not the caller's token: other callers may wait on the same load.</summary>
    private async Task<SpecIndex> ReadIndexAsync(int versionId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var bytes = await db.ApiVersions.AsNoTracking().Where(v => v.Id == versionId).Select(v => v.Index).FirstAsync();
        return Unpack<SpecIndex>(bytes);
    }

    public async Task<ApiDiffReport> DiffAsync(string slug, string? from, string? to, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(from))
        {
            errors.Add("from", "from is required: the older version's label.");
        }
        if (string.IsNullOrWhiteSpace(to))
        {
            errors.Add("to", "to is required: the newer version's label.");
        }
        errors.ThrowIfAny();
        var a = await IndexAsync(slug, from, ct);
        var b = await IndexAsync(slug, to, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        var changes = await WithConsumersAsync(db, api.Id, SpecDiff.Compare(a!.Value.Index, b!.Value.Index), ct);
        return new ApiDiffReport(a.Value.Version, b.Value.Version, changes);
    }

    /// <summary>Score of each version, oldest first, for the trend chart.</summary>
    public async Task<IReadOnlyList<(string Version, int Score)>> TrendAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        var rows = await db.ApiVersions.AsNoTracking().Where(v => v.ApiId == api.Id).OrderBy(v => v.Sequence)
            .Select(v => new { v.Label, v.Score }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Label, r.Score))];
    }

    public async Task<IReadOnlyList<ApiConsumer>> ConsumersAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        return await ConsumersAsync(db, api.Id, ct);
    }

    private static async Task<List<ApiConsumer>> ConsumersAsync(AppDbContext db, int apiId, CancellationToken ct)
    {
        var services = await db.ServiceApis.AsNoTracking().Where(l => l.ApiId == apiId && l.Role == ApiRole.Consumes)
            .Select(l => new { l.ServiceId, l.Service.Slug, l.Service.Name, Owner = l.Service.OwnerTeam.Slug })
            .OrderBy(s => s.Slug).ToListAsync(ct);
        var usage = await db.ApiUsages.AsNoTracking().Where(u => u.ApiId == apiId).ToDictionaryAsync(u => u.ServiceId, u => u.Operations, ct);
        return [.. services.Select(s => new ApiConsumer(s.Slug, s.Name, s.Owner, usage.GetValueOrDefault(s.ServiceId) ?? []))];
    }

    /// <summary>
    /// A consumer that declared the operations it calls is hit only by changes to those; one that
    /// declared nothing may call anything, so every breaking change names it.
    /// </summary>
    private static async Task<IReadOnlyList<SpecChange>> WithConsumersAsync(AppDbContext db, int apiId, IReadOnlyList<SpecChange> changes, CancellationToken ct)
    {
        if (!changes.Any(c => c.Level == ChangeLevels.Breaking))
        {
            return changes;
        }
        var consumers = await ConsumersAsync(db, apiId, ct);
        if (consumers.Count == 0)
        {
            return changes;
        }
        var declared = consumers.Select(c => (c.Service, Ops: c.Operations.Select(UsageKey).ToHashSet(StringComparer.Ordinal))).ToList();
        return [.. changes.Select(c =>
        {
            if (c.Level != ChangeLevels.Breaking)
            {
                return c;
            }
            var key = $"{c.Method} {SpecPaths.Normalize(c.Path)}";
            var hit = declared.Where(d => d.Ops.Count == 0 || d.Ops.Contains(key) || (c.OperationId is { } id && d.Ops.Contains(id)))
                .Select(d => d.Service).ToList();
            return c with { Consumers = hit };
        })];
    }

    /// <summary>"get /orders/{orderId}" and "GET /orders/{id}" name the same operation; anything else is an operationId.</summary>
    internal static string UsageKey(string operation)
    {
        var trimmed = operation.Trim();
        var space = trimmed.IndexOf(' ');
        if (space > 0 && trimmed[(space + 1)..].TrimStart().StartsWith('/'))
        {
            return $"{trimmed[..space].ToUpperInvariant()} {SpecPaths.Normalize(trimmed[(space + 1)..].Trim())}";
        }
        return trimmed;
    }

    public async Task<IReadOnlyList<ApiUsageDetails>> UsageAsync(string serviceSlug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(serviceSlug);
        var serviceId = await db.Services.Where(s => s.SlugKey == key).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{serviceSlug}'");
        var rows = await db.ApiUsages.AsNoTracking().Where(u => u.ServiceId == serviceId)
            .Select(u => new { u.Api.Slug, u.Operations }).OrderBy(u => u.Slug).ToListAsync(ct);
        return [.. rows.Select(r => new ApiUsageDetails(r.Slug, r.Operations))];
    }

    /// <summary>The APIs a service consumes or declared usage of, each with its latest version and the operations declared.</summary>
    public async Task<IReadOnlyList<ServiceApiUsageRow>> UsageRowsAsync(string serviceSlug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(serviceSlug);
        var serviceId = await db.Services.Where(s => s.SlugKey == key).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{serviceSlug}'");
        var consumed = db.ServiceApis.Where(l => l.ServiceId == serviceId && l.Role == ApiRole.Consumes).Select(l => l.ApiId);
        var declared = db.ApiUsages.Where(u => u.ServiceId == serviceId).Select(u => u.ApiId);
        var apis = await db.Apis.AsNoTracking().Where(a => consumed.Contains(a.Id) || declared.Contains(a.Id))
            .Select(a => new
            {
                a.Id,
                a.Slug,
                a.Name,
                Latest = db.ApiVersions.Where(v => v.ApiId == a.Id).OrderByDescending(v => v.Sequence).Select(v => v.Label).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var usage = await db.ApiUsages.AsNoTracking().Where(u => u.ServiceId == serviceId).ToDictionaryAsync(u => u.ApiId, u => u.Operations, ct);
        return [.. apis.OrderBy(a => a.Slug, StringComparer.OrdinalIgnoreCase)
            .Select(a => new ServiceApiUsageRow(a.Slug, a.Name, a.Latest, usage.GetValueOrDefault(a.Id) ?? []))];
    }

    /// <summary>Replaces what a service declares it uses. Declaring usage of an API makes the service a consumer of it.</summary>
    public async Task<IReadOnlyList<ApiUsageDetails>> SetUsageAsync(Actor actor, string serviceSlug, IReadOnlyList<ApiUsageInput>? input, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(serviceSlug);
        var service = await db.Services.Where(s => s.SlugKey == key).Select(s => new { s.Id, s.Slug, s.OwnerTeamId }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{serviceSlug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, service.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can change what '{service.Slug}' uses.");
        }
        var errors = new ValidationErrors();
        var wanted = new Dictionary<int, List<string>>();
        var items = input ?? [];
        if (input is null)
        {
            errors.Add("body", "The body must be a list: [{ \"api\": \"orders-api\", \"operations\": [\"GET /orders/{id}\", \"createOrder\"] }].");
        }
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null || string.IsNullOrWhiteSpace(item.Api))
            {
                errors.Add($"[{i}].api", "api is required: the slug of the API the service uses.");
                continue;
            }
            var apiKey = Slug.Key(item.Api.Trim());
            var apiId = await db.Apis.Where(a => a.SlugKey == apiKey).Select(a => (int?)a.Id).FirstOrDefaultAsync(ct);
            if (apiId is null)
            {
                errors.Add($"[{i}].api", $"There is no API '{item.Api.Trim()}'.");
                continue;
            }
            if (wanted.ContainsKey(apiId.Value))
            {
                errors.Add($"[{i}].api", $"API '{item.Api.Trim()}' is listed twice.");
                continue;
            }
            var ops = Validate.List(errors, $"[{i}].operations", item.Operations, 2000, 500, o => o.Trim());
            wanted[apiId.Value] = [.. ops.Distinct(StringComparer.Ordinal)];
        }
        errors.ThrowIfAny();

        var existing = await db.ApiUsages.Where(u => u.ServiceId == service.Id).ToListAsync(ct);
        db.ApiUsages.RemoveRange(existing.Where(e => !wanted.ContainsKey(e.ApiId)));
        var now = clock.GetUtcNow().UtcDateTime;
        var consumed = await db.ServiceApis.Where(l => l.ServiceId == service.Id && l.Role == ApiRole.Consumes).Select(l => l.ApiId).ToListAsync(ct);
        foreach (var (apiId, ops) in wanted)
        {
            var row = existing.FirstOrDefault(e => e.ApiId == apiId);
            if (row is null)
            {
                db.ApiUsages.Add(new ApiUsage { ServiceId = service.Id, ApiId = apiId, Operations = ops, UpdatedAt = now, UpdatedBy = actor.Name });
            }
            else
            {
                row.Operations = ops;
                row.UpdatedAt = now;
                row.UpdatedBy = actor.Name;
            }
            if (!consumed.Contains(apiId))
            {
                db.ServiceApis.Add(new ServiceApiLink { ServiceId = service.Id, ApiId = apiId, Role = ApiRole.Consumes });
            }
        }
        audit.Add(db, AuditActions.EntityUpdated, actor.UserId, actor.Name,
            $"Set the API usage of service '{service.Slug}' ({wanted.Count} APIs)", "service-api-usage", service.Slug);
        await db.SaveChangesAsync(ct);
        return await UsageAsync(service.Slug, ct);
    }

    private static async Task<CatalogApi> FindAsync(AppDbContext db, string slug, CancellationToken ct)
    {
        var key = Slug.Key(slug);
        return await db.Apis.AsNoTracking().FirstOrDefaultAsync(a => a.SlugKey == key, ct) ?? throw new NotFoundException($"API '{slug}'");
    }

    private async Task<(T Row, int ApiId)> VersionAsync<T>(string slug, string version, System.Linq.Expressions.Expression<Func<ApiSpecVersion, T>> select, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = await FindAsync(db, slug, ct);
        var row = await db.ApiVersions.AsNoTracking().Where(v => v.ApiId == api.Id && v.Label == version).Select(select).FirstOrDefaultAsync(ct);
        return row is null ? throw new NotFoundException($"Version '{version}' of API '{slug}'") : (row, api.Id);
    }

    private static string CheckLabel(string? label)
    {
        var trimmed = label?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["version"] = ["The document has no info.version; pass a label with ?version=."],
            });
        }
        if (trimmed.Length > 100 || trimmed.Any(c => char.IsControl(c) || c is '/' or '\\' or '?' or '#' or '%'))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["version"] = [$"'{(trimmed.Length > 100 ? trimmed[..100] + "…" : trimmed)}' cannot be a version label: at most 100 characters, without / \\ ? # %."],
            });
        }
        return trimmed;
    }

    internal sealed record StoredScore(IReadOnlyList<RuleOutcome> Rules, IReadOnlyList<SpecFinding> Findings);

    /// <summary>Serialized straight into the gzip stream: no buffer of the whole (several MB) JSON.</summary>
    internal static byte[] Pack<T>(T value)
    {
        using var output = new PooledWriteStream(64 * 1024);
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gz, value, Json);
        }
        return output.ToArray();
    }

    internal static T Unpack<T>(byte[] bytes)
    {
        // Straight from the gzip stream: no buffer of the whole (several MB) JSON.
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<T>(input, Json)!;
    }

    internal static byte[] Gzip(ReadOnlySpan<byte> data)
    {
        using var output = new PooledWriteStream(Math.Max(data.Length / 8, 4096));
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
