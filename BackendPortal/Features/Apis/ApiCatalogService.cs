using System.Globalization;
using System.Linq.Expressions;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Services;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Apis;

/// <summary>The API catalog entity: list, read, create, replace, delete; the same rules for the pages and the endpoints.</summary>
public sealed class ApiCatalogService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    public async Task<Page<ApiDetails>> ListAsync(ApiFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            query = query.Where(a => string.Compare(a.SlugKey, after) > 0);
        }
        var rows = await query.OrderBy(a => a.SlugKey).Take(page.Limit + 1).Select(Project(db, withDefinition: false)).ToListAsync(ct);
        var next = rows.Count > page.Limit ? PageRequest.EncodeCursor(Slug.Key(rows[page.Limit - 1].Slug)) : null;
        return new Page<ApiDetails>(rows.Take(page.Limit).ToList(), next, total);
    }

    public async Task<GridPage<ApiDetails>> QueryAsync(ApiFilter filter, ApiSort sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        query = (sort, descending) switch
        {
            (ApiSort.Name, false) => query.OrderBy(a => a.Name).ThenBy(a => a.SlugKey),
            (ApiSort.Name, true) => query.OrderByDescending(a => a.Name).ThenBy(a => a.SlugKey),
            (ApiSort.Owner, false) => query.OrderBy(a => a.OwnerTeam.SlugKey).ThenBy(a => a.SlugKey),
            (ApiSort.Owner, true) => query.OrderByDescending(a => a.OwnerTeam.SlugKey).ThenBy(a => a.SlugKey),
            (ApiSort.Type, false) => query.OrderBy(a => a.Type).ThenBy(a => a.SlugKey),
            (ApiSort.Type, true) => query.OrderByDescending(a => a.Type).ThenBy(a => a.SlugKey),
            (ApiSort.Lifecycle, false) => query.OrderBy(a => a.Lifecycle).ThenBy(a => a.SlugKey),
            (ApiSort.Lifecycle, true) => query.OrderByDescending(a => a.Lifecycle).ThenBy(a => a.SlugKey),
            (ApiSort.Score, false) => query.OrderBy(a => db.ApiVersions.Where(v => v.ApiId == a.Id).OrderByDescending(v => v.Sequence).Select(v => (int?)v.Score).FirstOrDefault()).ThenBy(a => a.SlugKey),
            (ApiSort.Score, true) => query.OrderByDescending(a => db.ApiVersions.Where(v => v.ApiId == a.Id).OrderByDescending(v => v.Sequence).Select(v => (int?)v.Score).FirstOrDefault()).ThenBy(a => a.SlugKey),
            (ApiSort.UpdatedAt, false) => query.OrderBy(a => a.UpdatedAt).ThenBy(a => a.SlugKey),
            (ApiSort.UpdatedAt, true) => query.OrderByDescending(a => a.UpdatedAt).ThenBy(a => a.SlugKey),
            (_, true) => query.OrderByDescending(a => a.SlugKey),
            _ => query.OrderBy(a => a.SlugKey),
        };
        var items = await query.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit)).Select(Project(db, withDefinition: false)).ToListAsync(ct);
        return new GridPage<ApiDetails>(items, total);
    }

    public async Task<ApiDetails> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        return await db.Apis.AsNoTracking().Where(a => a.SlugKey == key).Select(Project(db, withDefinition: true)).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"API '{slug}'");
    }

    public async Task<bool> CanEditAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        if (!actor.CanWriteCatalog)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var teamId = await db.Apis.Where(a => a.SlugKey == key).Select(a => (int?)a.OwnerTeamId).FirstOrDefaultAsync(ct);
        return teamId is { } id && await CatalogAccess.CanEditForTeamAsync(db, actor, id, ct);
    }

    public async Task<ApiDetails> CreateAsync(Actor actor, ApiInput input, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var api = new CatalogApi();
        var ownerId = await ApplyAsync(db, api, input, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, ownerId, ct))
        {
            throw new ForbiddenException($"You can only create APIs owned by a team you belong to; you are not a member of '{input.Owner}'.");
        }
        if (await db.Apis.AnyAsync(a => a.SlugKey == api.SlugKey, ct))
        {
            throw new ConflictException(Duplicate(api.Slug));
        }
        api.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Apis.Add(api);
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityCreated, "api", api.Slug, $"Created API '{api.Slug}'", null, await SnapshotAsync(db, api, ct));
        }
        await db.SaveCatalogChangesAsync(api, $"API '{api.Slug}'", Duplicate(api.Slug), ct);
        return await GetAsync(api.Slug, ct);
    }

    public async Task<ApiDetails> UpdateAsync(Actor actor, string slug, ApiInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var api = await db.Apis.FirstOrDefaultAsync(a => a.SlugKey == key, ct) ?? throw new NotFoundException($"API '{slug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, api.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can change '{api.Slug}'.");
        }
        api.ThrowIfChangedSince(expectedVersion, $"API '{api.Slug}'");
        var readVersion = api.Version;
        var before = audit.RecordsDataChanges ? await SnapshotAsync(db, api, ct) : null;
        var oldSlug = api.Slug;
        var ownerId = await ApplyAsync(db, api, input, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, ownerId, ct))
        {
            throw new ForbiddenException($"You can only hand an API to a team you belong to; you are not a member of '{input.Owner}'.");
        }
        if (api.SlugKey != key && await db.Apis.AnyAsync(a => a.SlugKey == api.SlugKey && a.Id != api.Id, ct))
        {
            throw new ConflictException(Duplicate(api.Slug));
        }
        api.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Entry(api).Property(a => a.Version).OriginalValue = readVersion;
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "api", api.Slug,
                oldSlug == api.Slug ? $"Updated API '{api.Slug}'" : $"Updated API '{oldSlug}', now '{api.Slug}'", before, await SnapshotAsync(db, api, ct));
        }
        await db.SaveCatalogChangesAsync(api, $"API '{api.Slug}'", Duplicate(api.Slug), ct);
        return await GetAsync(api.Slug, ct);
    }

    public async Task DeleteAsync(Actor actor, string slug, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var api = await db.Apis.FirstOrDefaultAsync(a => a.SlugKey == key, ct) ?? throw new NotFoundException($"API '{slug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, api.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can delete '{api.Slug}'.");
        }
        api.ThrowIfChangedSince(expectedVersion, $"API '{api.Slug}'");
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityDeleted, "api", api.Slug, $"Deleted API '{api.Slug}'", await SnapshotAsync(db, api, ct), null);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Versions can be large: delete them in SQL rather than loading them for the cascade.
        await db.ApiVersions.Where(v => v.ApiId == api.Id).ExecuteDeleteAsync(ct);
        await db.ApiUsages.Where(u => u.ApiId == api.Id).ExecuteDeleteAsync(ct);
        await db.ServiceApis.Where(l => l.ApiId == api.Id).ExecuteDeleteAsync(ct);
        db.Apis.Remove(api);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task WriteCsvAsync(ApiFilter filter, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await writer.WriteLineAsync("slug,name,type,lifecycle,owner,system,latestVersion,score,operations,lastBreakingChanges,consumers,tags,description,updatedAt,updatedBy");
        await foreach (var a in Filtered(db, filter).OrderBy(a => a.SlugKey).Select(Project(db, withDefinition: false)).AsAsyncEnumerable().WithCancellation(ct))
        {
            var fields = new[]
            {
                a.Slug, a.Name, a.Type, a.Lifecycle, a.Owner, a.System, a.LatestVersion, a.Score?.ToString(CultureInfo.InvariantCulture),
                a.OperationCount?.ToString(CultureInfo.InvariantCulture), a.LastBreakingChanges?.ToString(CultureInfo.InvariantCulture),
                a.ConsumerCount.ToString(CultureInfo.InvariantCulture), string.Join(";", a.Tags), a.Description,
                a.UpdatedAt.ToString("O", CultureInfo.InvariantCulture), a.UpdatedBy,
            };
            await writer.WriteLineAsync(string.Join(",", fields.Select(Csv.Field)));
        }
    }

    public async Task<IReadOnlyList<(string Slug, string Name)>> TeamsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Teams.AsNoTracking().OrderBy(t => t.SlugKey).Select(t => new { t.Slug, t.Name }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Slug, r.Name))];
    }

    public async Task<IReadOnlyList<string>> SystemsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Systems.AsNoTracking().OrderBy(s => s.SlugKey).Select(s => s.Slug).ToListAsync(ct);
    }

    private static IQueryable<CatalogApi> Filtered(AppDbContext db, ApiFilter filter)
    {
        var query = db.Apis.AsNoTracking();
        var errors = new ValidationErrors();
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var pattern = Validate.LikePattern(filter.Q.Trim());
            query = query.Where(a =>
                EF.Functions.Like(a.Slug, pattern, "\\") || EF.Functions.Like(a.Name, pattern, "\\") || EF.Functions.Like(a.Description!, pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            var ownerKey = Slug.Key(filter.Owner.Trim());
            query = query.Where(a => a.OwnerTeam.SlugKey == ownerKey);
        }
        if (!string.IsNullOrWhiteSpace(filter.System))
        {
            var systemKey = Slug.Key(filter.System.Trim());
            query = query.Where(a => a.System != null && a.System.SlugKey == systemKey);
        }
        if (!string.IsNullOrWhiteSpace(filter.Type))
        {
            if (ApiTypeNames.Parse(filter.Type) is { } type)
            {
                query = query.Where(a => a.Type == type);
            }
            else
            {
                errors.Add("type", $"type must be one of {string.Join(", ", ApiTypeNames.All)}.");
            }
        }
        if (!string.IsNullOrWhiteSpace(filter.Lifecycle))
        {
            if (LifecycleNames.Parse(filter.Lifecycle) is { } lifecycle)
            {
                query = query.Where(a => a.Lifecycle == lifecycle);
            }
            else
            {
                errors.Add("lifecycle", $"lifecycle must be one of {string.Join(", ", LifecycleNames.All)}.");
            }
        }
        if (filter.ScoreBelow is { } below)
        {
            if (below is < 0 or > 101)
            {
                errors.Add("scoreBelow", "scoreBelow must be between 0 and 101.");
            }
            query = query.Where(a => db.ApiVersions.Where(v => v.ApiId == a.Id).OrderByDescending(v => v.Sequence).Select(v => (int?)v.Score).FirstOrDefault() < below);
        }
        errors.ThrowIfAny();
        return query;
    }

    private static Expression<Func<CatalogApi, ApiDetails>> Project(AppDbContext db, bool withDefinition) => a => new ApiDetails(
        a.Slug, a.Name, a.Description, a.Type.ToString().ToLower(), a.Lifecycle.ToString().ToLower(), a.OwnerTeam.Slug, a.OwnerTeam.Name,
        a.System != null ? a.System.Slug : null, a.Tags, withDefinition ? a.Definition : null,
        db.ApiVersions.Where(v => v.ApiId == a.Id).OrderByDescending(v => v.Sequence).Select(v => v.Label).FirstOrDefault(),
        db.ApiVersions.Where(v => v.ApiId == a.Id).OrderByDescending(v => v.Sequence).Select(v => (int?)v.Score).FirstOrDefault(),
        db.ApiVersions.Where(v => v.ApiId == a.Id).OrderByDescending(v => v.Sequence).Select(v => (int?)v.OperationCount).FirstOrDefault(),
        db.ApiVersions.Where(v => v.ApiId == a.Id).OrderByDescending(v => v.Sequence).Select(v => (int?)v.BreakingCount).FirstOrDefault(),
        db.ServiceApis.Count(l => l.ApiId == a.Id && l.Role == ApiRole.Consumes),
        a.CreatedAt, a.CreatedBy, a.UpdatedAt, a.UpdatedBy, a.Version);

    private static async Task<int> ApplyAsync(AppDbContext db, CatalogApi api, ApiInput input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var slug = Validate.Slug(errors, "slug", input.Slug);
        var name = Validate.Required(errors, "name", input.Name, 200);
        var description = Validate.Optional(errors, "description", input.Description, 4000);
        var definition = Validate.Optional(errors, "definition", input.Definition, 1_000_000);
        var type = ApiTypeNames.Parse(input.Type);
        if (type is null)
        {
            errors.Add("type", string.IsNullOrWhiteSpace(input.Type)
                ? $"type is required: one of {string.Join(", ", ApiTypeNames.All)}."
                : $"'{input.Type}' is not an API type; use one of {string.Join(", ", ApiTypeNames.All)}.");
        }
        var lifecycle = LifecycleNames.Parse(input.Lifecycle);
        if (lifecycle is null)
        {
            errors.Add("lifecycle", string.IsNullOrWhiteSpace(input.Lifecycle)
                ? $"lifecycle is required: one of {string.Join(", ", LifecycleNames.All)}."
                : $"'{input.Lifecycle}' is not a lifecycle; use one of {string.Join(", ", LifecycleNames.All)}.");
        }
        var tags = Validate.List(errors, "tags", input.Tags, 30, 63, t => t.Trim().ToLowerInvariant());
        int? ownerId = null;
        if (string.IsNullOrWhiteSpace(input.Owner))
        {
            errors.Add("owner", "owner is required: the slug of the team that owns the API.");
        }
        else
        {
            var ownerKey = Slug.Key(input.Owner.Trim());
            ownerId = await db.Teams.Where(t => t.SlugKey == ownerKey).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
            if (ownerId is null)
            {
                errors.Add("owner", $"There is no team '{input.Owner.Trim()}'. Create the team first or pick an existing one.");
            }
        }
        int? systemId = null;
        if (!string.IsNullOrWhiteSpace(input.System))
        {
            var systemKey = Slug.Key(input.System.Trim());
            systemId = await db.Systems.Where(s => s.SlugKey == systemKey).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
            if (systemId is null)
            {
                errors.Add("system", $"There is no system '{input.System.Trim()}'.");
            }
        }
        errors.ThrowIfAny();

        api.Slug = slug!;
        api.SlugKey = Slug.Key(slug!);
        api.Name = name!;
        api.Description = description;
        api.Definition = definition;
        api.Type = type!.Value;
        api.Lifecycle = lifecycle!.Value;
        api.Tags = tags;
        api.OwnerTeamId = ownerId!.Value;
        api.SystemId = systemId;
        return ownerId.Value;
    }

    private static async Task<object> SnapshotAsync(AppDbContext db, CatalogApi a, CancellationToken ct)
    {
        var owner = await db.Teams.AsNoTracking().Where(t => t.Id == a.OwnerTeamId).Select(t => t.Slug).FirstAsync(ct);
        var system = a.SystemId is { } sid ? await db.Systems.AsNoTracking().Where(s => s.Id == sid).Select(s => s.Slug).FirstOrDefaultAsync(ct) : null;
        return new
        {
            a.Slug,
            a.Name,
            a.Description,
            Type = ApiTypeNames.ToApi(a.Type),
            Lifecycle = LifecycleNames.ToApi(a.Lifecycle),
            Owner = owner,
            System = system,
            Tags = a.Tags.ToList(),
            DefinitionLength = a.Definition?.Length ?? 0,
        };
    }

    private static string Duplicate(string slug) =>
        $"An API with the slug '{slug}' already exists (slugs are compared ignoring case).";
}
