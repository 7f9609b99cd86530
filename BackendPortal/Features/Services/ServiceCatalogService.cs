using System.Globalization;
using System.Text;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Services;

/// <summary>Everything the pages and the API do with services; one piece of logic, two doors.</summary>
public sealed class ServiceCatalogService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    public async Task<Page<ServiceDetails>> ListAsync(ServiceFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            return await ListMatchingTextAsync(db, query, page, ct);
        }
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            query = query.Where(s => string.Compare(s.SlugKey, after) > 0);
        }
        var rows = await query.OrderBy(s => s.SlugKey).Take(page.Limit + 1).Select(Project).ToListAsync(ct);
        var next = rows.Count > page.Limit ? PageRequest.EncodeCursor(Slug.Key(rows[page.Limit - 1].Slug)) : null;
        return new Page<ServiceDetails>(await WithRelationsAsync(db, [.. rows.Take(page.Limit)], ct), next, total);
    }

    /// <summary>
    /// LIKE '%text%' cannot use an index, so SQLite reads every row whatever the query says. One scan
    /// that returns only keys gives both the total and the page. Asking SQLite for the page in slug
    /// order instead makes it walk the slug index and fetch rows one by one until it has a page, which
    /// is several times slower than a plain scan when the matches are few or late in the alphabet.
    /// </summary>
    private static async Task<Page<ServiceDetails>> ListMatchingTextAsync(
        AppDbContext db, IQueryable<Service> query, PageRequest page, CancellationToken ct)
    {
        var matches = await query.Select(s => new { s.Id, s.SlugKey }).ToListAsync(ct);
        // Slug keys are lower-case ASCII, so ordinal order is SQLite's BINARY order (the cursor's order).
        matches.Sort((a, b) => string.CompareOrdinal(a.SlugKey, b.SlugKey));
        var window = matches
            .Where(m => page.After is null || string.CompareOrdinal(m.SlugKey, page.After) > 0)
            .Take(page.Limit + 1)
            .ToList();
        var ids = window.Take(page.Limit).Select(m => m.Id).ToList();
        var rows = await db.Services.AsNoTracking().Where(s => ids.Contains(s.Id)).OrderBy(s => s.SlugKey).Select(Project).ToListAsync(ct);
        var next = window.Count > page.Limit ? PageRequest.EncodeCursor(window[page.Limit - 1].SlugKey) : null;
        return new Page<ServiceDetails>(await WithRelationsAsync(db, rows, ct), next, matches.Count);
    }

    public async Task<GridPage<ServiceDetails>> QueryAsync(
        ServiceFilter filter, ServiceSort sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        query = (sort, descending) switch
        {
            (ServiceSort.Name, false) => query.OrderBy(s => s.Name).ThenBy(s => s.SlugKey),
            (ServiceSort.Name, true) => query.OrderByDescending(s => s.Name).ThenBy(s => s.SlugKey),
            (ServiceSort.Owner, false) => query.OrderBy(s => s.OwnerTeam.SlugKey).ThenBy(s => s.SlugKey),
            (ServiceSort.Owner, true) => query.OrderByDescending(s => s.OwnerTeam.SlugKey).ThenBy(s => s.SlugKey),
            (ServiceSort.Lifecycle, false) => query.OrderBy(s => s.Lifecycle).ThenBy(s => s.SlugKey),
            (ServiceSort.Lifecycle, true) => query.OrderByDescending(s => s.Lifecycle).ThenBy(s => s.SlugKey),
            (ServiceSort.Tier, false) => query.OrderBy(s => s.Tier).ThenBy(s => s.SlugKey),
            (ServiceSort.Tier, true) => query.OrderByDescending(s => s.Tier).ThenBy(s => s.SlugKey),
            (ServiceSort.UpdatedAt, false) => query.OrderBy(s => s.UpdatedAt).ThenBy(s => s.SlugKey),
            (ServiceSort.UpdatedAt, true) => query.OrderByDescending(s => s.UpdatedAt).ThenBy(s => s.SlugKey),
            (_, true) => query.OrderByDescending(s => s.SlugKey),
            _ => query.OrderBy(s => s.SlugKey),
        };
        var items = await query.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit)).Select(Project).ToListAsync(ct);
        return new GridPage<ServiceDetails>(items, total);
    }

    public async Task<ServiceDetails> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var service = await db.Services.Where(s => s.SlugKey == key).Select(Project).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{slug}'");
        return (await WithRelationsAsync(db, [service], ct))[0];
    }

    /// <summary>The relation slugs of a page of services, four small queries whatever the page size.</summary>
    private static async Task<IReadOnlyList<ServiceDetails>> WithRelationsAsync(AppDbContext db, List<ServiceDetails> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return rows;
        }
        var keys = rows.Select(r => Slug.Key(r.Slug)).ToList();
        var dependsOn = (await db.ServiceDependencies.AsNoTracking().Where(d => keys.Contains(d.Service.SlugKey))
            .Select(d => new { d.Service.SlugKey, d.DependsOn.Slug }).ToListAsync(ct)).ToLookup(x => x.SlugKey, x => x.Slug);
        var databases = (await db.ServiceDatabases.AsNoTracking().Where(d => keys.Contains(d.Service.SlugKey))
            .Select(d => new { d.Service.SlugKey, d.Database.Slug }).ToListAsync(ct)).ToLookup(x => x.SlugKey, x => x.Slug);
        var apis = await db.ServiceApis.AsNoTracking().Where(a => keys.Contains(a.Service.SlugKey))
            .Select(a => new { a.Service.SlugKey, a.Api.Slug, a.Role }).ToListAsync(ct);
        var provides = apis.Where(a => a.Role == ApiRole.Provides).ToLookup(a => a.SlugKey, a => a.Slug);
        var consumes = apis.Where(a => a.Role == ApiRole.Consumes).ToLookup(a => a.SlugKey, a => a.Slug);
        return [.. rows.Select(r =>
        {
            var key = Slug.Key(r.Slug);
            return r with
            {
                DependsOn = [.. dependsOn[key].Order(StringComparer.OrdinalIgnoreCase)],
                Databases = [.. databases[key].Order(StringComparer.OrdinalIgnoreCase)],
                ProvidesApis = [.. provides[key].Order(StringComparer.OrdinalIgnoreCase)],
                ConsumesApis = [.. consumes[key].Order(StringComparer.OrdinalIgnoreCase)],
            };
        })];
    }

    /// <summary>Everything the service is connected to, with names, for the service page.</summary>
    public async Task<ServiceRelationsView> RelationsAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var id = await db.Services.Where(s => s.SlugKey == key).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{slug}'");
        var up = await db.ServiceDependencies.AsNoTracking().Where(d => d.ServiceId == id).OrderBy(d => d.DependsOn.Name)
            .Select(d => new RelatedEntity("service", d.DependsOn.Slug, d.DependsOn.Name, d.DependsOn.OwnerTeam.Slug, d.DependsOn.Lifecycle.ToString().ToLower(), d.DependsOn.Tier))
            .ToListAsync(ct);
        var down = await db.ServiceDependencies.AsNoTracking().Where(d => d.DependsOnId == id).OrderBy(d => d.Service.Name)
            .Select(d => new RelatedEntity("service", d.Service.Slug, d.Service.Name, d.Service.OwnerTeam.Slug, d.Service.Lifecycle.ToString().ToLower(), d.Service.Tier))
            .ToListAsync(ct);
        var databases = await db.ServiceDatabases.AsNoTracking().Where(d => d.ServiceId == id).OrderBy(d => d.Database.Name)
            .Select(d => new { d.Database.Slug, d.Database.Name, Owner = d.Database.OwnerTeam.Slug, d.Database.Engine, d.Database.Environment })
            .ToListAsync(ct);
        var apis = await db.ServiceApis.AsNoTracking().Where(a => a.ServiceId == id).OrderBy(a => a.Api.Name)
            .Select(a => new { a.Api.Slug, a.Api.Name, Owner = a.Api.OwnerTeam.Slug, a.Api.Type, a.Role })
            .ToListAsync(ct);
        return new ServiceRelationsView(
            up, down,
            [.. databases.Select(d => new RelatedEntity("database", d.Slug, d.Name, d.Owner, $"{Databases.EngineNames.Display(d.Engine)}, {d.Environment.ToString().ToLowerInvariant()}"))],
            [.. apis.Where(a => a.Role == ApiRole.Provides).Select(a => new RelatedEntity("api", a.Slug, a.Name, a.Owner, a.Type.ToString().ToLowerInvariant()))],
            [.. apis.Where(a => a.Role == ApiRole.Consumes).Select(a => new RelatedEntity("api", a.Slug, a.Name, a.Owner, a.Type.ToString().ToLowerInvariant()))]);
    }

    /// <summary>Slug and name of every service, database, API or system matching the text, for the pickers (at most 20).</summary>
    public async Task<IReadOnlyList<(string Slug, string Name)>> SuggestAsync(string kind, string? text, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pattern = Validate.LikePattern((text ?? "").Trim());
        var rows = kind switch
        {
            "database" => await db.Databases.AsNoTracking().Select(d => new NameRow { Slug = d.Slug, Name = d.Name }).Where(Matches(pattern)).OrderBy(r => r.Name).Take(20).ToListAsync(ct),
            "api" => await db.Apis.AsNoTracking().Select(a => new NameRow { Slug = a.Slug, Name = a.Name }).Where(Matches(pattern)).OrderBy(r => r.Name).Take(20).ToListAsync(ct),
            "system" => await db.Systems.AsNoTracking().Select(a => new NameRow { Slug = a.Slug, Name = a.Name }).Where(Matches(pattern)).OrderBy(r => r.Name).Take(20).ToListAsync(ct),
            _ => await db.Services.AsNoTracking().Select(a => new NameRow { Slug = a.Slug, Name = a.Name }).Where(Matches(pattern)).OrderBy(r => r.Name).Take(20).ToListAsync(ct),
        };
        return [.. rows.Select(r => (r.Slug, r.Name))];
    }

    private sealed class NameRow
    {
        public string Slug { get; init; } = "";
        public string Name { get; init; } = "";
    }

    private static System.Linq.Expressions.Expression<Func<NameRow, bool>> Matches(string pattern) =>
        r => EF.Functions.Like(r.Slug, pattern, "\\") || EF.Functions.Like(r.Name, pattern, "\\");

    public async Task<bool> CanEditAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        if (!actor.CanWriteCatalog)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var teamId = await db.Services.Where(s => s.SlugKey == key).Select(s => (int?)s.OwnerTeamId).FirstOrDefaultAsync(ct);
        return teamId is { } id && await CatalogAccess.CanEditForTeamAsync(db, actor, id, ct);
    }

    public async Task<ServiceDetails> CreateAsync(Actor actor, ServiceInput input, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var service = new Service();
        var ownerId = await ApplyAsync(db, service, input, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, ownerId, ct))
        {
            throw new ForbiddenException($"You can only create services owned by a team you belong to; you are not a member of '{input.Owner}'.");
        }
        if (await db.Services.AnyAsync(s => s.SlugKey == service.SlugKey, ct))
        {
            throw new ConflictException(Duplicate(service.Slug));
        }
        service.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Services.Add(service);
        await AuditAsync(db, actor, AuditActions.EntityCreated, service, $"Created service '{service.Slug}'", null, ct);
        await db.SaveCatalogChangesAsync(service, $"Service '{service.Slug}'", Duplicate(service.Slug), ct);
        return await GetAsync(service.Slug, ct);
    }

    /// <summary>
    /// Replaces a service. <paramref name="expectedVersion"/> is the version the caller read;
    /// null overwrites whatever is there (the "overwrite" choice after a conflict).
    /// </summary>
    public async Task<ServiceDetails> UpdateAsync(Actor actor, string slug, ServiceInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        // The owner team comes along for the audit snapshots, which then need no query of their own.
        var service = await db.Services.Include(s => s.OwnerTeam).Include(s => s.DependsOn).Include(s => s.Databases).Include(s => s.Apis)
            .AsSplitQuery().FirstOrDefaultAsync(s => s.SlugKey == key, ct)
            ?? throw new NotFoundException($"Service '{slug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, service.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can change '{service.Slug}'.");
        }
        service.ThrowIfChangedSince(expectedVersion, $"Service '{service.Slug}'");
        var readVersion = service.Version;
        var before = audit.RecordsDataChanges ? await SnapshotAsync(db, service, ct) : null;
        var ownerId = await ApplyAsync(db, service, input, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, ownerId, ct))
        {
            throw new ForbiddenException($"You can only hand a service to a team you belong to; you are not a member of '{input.Owner}'.");
        }
        if (service.SlugKey != key && await db.Services.AnyAsync(s => s.SlugKey == service.SlugKey && s.Id != service.Id, ct))
        {
            throw new ConflictException(Duplicate(service.Slug));
        }
        service.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Entry(service).Property(s => s.Version).OriginalValue = readVersion;
        await AuditAsync(db, actor, AuditActions.EntityUpdated, service,
            before is null || before.Slug == service.Slug ? $"Updated service '{service.Slug}'" : $"Updated service '{before.Slug}', now '{service.Slug}'", before, ct);
        await db.SaveCatalogChangesAsync(service, $"Service '{service.Slug}'", Duplicate(service.Slug), ct);
        return await GetAsync(service.Slug, ct);
    }

    public async Task DeleteAsync(Actor actor, string slug, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var service = await db.Services.Include(s => s.DependsOn).Include(s => s.Databases).Include(s => s.Apis)
            .AsSplitQuery().FirstOrDefaultAsync(s => s.SlugKey == key, ct)
            ?? throw new NotFoundException($"Service '{slug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, service.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can delete '{service.Slug}'.");
        }
        service.ThrowIfChangedSince(expectedVersion, $"Service '{service.Slug}'");
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityDeleted, "service", service.Slug, $"Deleted service '{service.Slug}'", await SnapshotAsync(db, service, ct), null);
        }
        // Rows of other services that depend on this one are ClientCascade (SQL Server's cascade-path rule): removed here, in the same transaction.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = service.Id;
        await db.ServiceDependencies.Where(d => d.DependsOnId == id).ExecuteDeleteAsync(ct);
        db.Services.Remove(service);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException($"Service '{service.Slug}'", service.UpdatedBy, service.UpdatedAt, service.ETag);
        }
        await tx.CommitAsync(ct);
    }

    public async Task WriteCsvAsync(ServiceFilter filter, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await writer.WriteLineAsync("slug,name,owner,lifecycle,tier,languages,framework,repositoryUrl,runbookUrl,tags,description,updatedAt,updatedBy,"
            + "system,dependsOn,databases,providesApis,consumesApis");
        // Keyset chunks: each chunk's relations are four queries, which cannot run while a streaming reader is open.
        string? after = null;
        while (true)
        {
            var query = Filtered(db, filter);
            if (after is not null)
            {
                query = query.Where(s => string.Compare(s.SlugKey, after) > 0);
            }
            var chunk = await query.OrderBy(s => s.SlugKey).Take(CsvChunk).Select(Project).ToListAsync(ct);
            foreach (var s in await WithRelationsAsync(db, chunk, ct))
            {
                var fields = new[]
                {
                    s.Slug, s.Name, s.Owner, s.Lifecycle, s.Tier.ToString(CultureInfo.InvariantCulture), string.Join(";", s.Languages),
                    s.Framework, s.RepositoryUrl, s.RunbookUrl, string.Join(";", s.Tags), s.Description,
                    s.UpdatedAt.ToString("O", CultureInfo.InvariantCulture), s.UpdatedBy,
                    s.System, string.Join(";", s.DependsOn), string.Join(";", s.Databases), string.Join(";", s.ProvidesApis), string.Join(";", s.ConsumesApis),
                };
                await writer.WriteLineAsync(string.Join(",", fields.Select(Csv.Field)));
            }
            if (chunk.Count < CsvChunk)
            {
                return;
            }
            after = Slug.Key(chunk[^1].Slug);
        }
    }

    private const int CsvChunk = 500;

    public async Task<IReadOnlyList<string>> LanguagesInUseAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // SQLite cannot flatten a JSON column in SQL (no APPLY), so the short lists are merged here.
        var lists = await db.Services.AsNoTracking().Select(s => s.Languages).ToListAsync(ct);
        return [.. lists.SelectMany(l => l).Union(KnownLanguages.All, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
    }

    private static IQueryable<Service> Filtered(AppDbContext db, ServiceFilter filter)
    {
        var query = db.Services.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var pattern = Validate.LikePattern(filter.Q.Trim());
            query = query.Where(s =>
                EF.Functions.Like(s.Slug, pattern, "\\") ||
                EF.Functions.Like(s.Name, pattern, "\\") ||
                EF.Functions.Like(s.Description!, pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            var ownerKey = Slug.Key(filter.Owner.Trim());
            query = query.Where(s => s.OwnerTeam.SlugKey == ownerKey);
        }
        if (!string.IsNullOrWhiteSpace(filter.Lifecycle))
        {
            var lifecycle = LifecycleNames.Parse(filter.Lifecycle)
                ?? throw new ValidationFailedException(new Dictionary<string, string[]>
                {
                    ["lifecycle"] = [$"lifecycle must be one of {string.Join(", ", LifecycleNames.All)}."],
                });
            query = query.Where(s => s.Lifecycle == lifecycle);
        }
        if (!string.IsNullOrWhiteSpace(filter.Language))
        {
            var language = KnownLanguages.Canonical(filter.Language);
            query = query.Where(s => s.Languages.Contains(language));
        }
        return query;
    }

    private static readonly System.Linq.Expressions.Expression<Func<Service, ServiceDetails>> Project = s => new ServiceDetails(
        s.Slug, s.Name, s.Description, s.OwnerTeam.Slug, s.OwnerTeam.Name, s.Lifecycle.ToString().ToLower(), s.Tier,
        s.Languages, s.Framework, s.RepositoryUrl, s.RunbookUrl, s.Tags,
        s.CreatedAt, s.CreatedBy, s.UpdatedAt, s.UpdatedBy, s.Version)
    {
        System = s.System != null ? s.System.Slug : null,
        SystemName = s.System != null ? s.System.Name : null,
    };

    /// <summary>Validates the input and copies it onto the entity; returns the owner team's id.</summary>
    private static async Task<int> ApplyAsync(AppDbContext db, Service service, ServiceInput input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var slug = Validate.Slug(errors, "slug", input.Slug);
        var name = Validate.Required(errors, "name", input.Name, 200);
        var description = Validate.Optional(errors, "description", input.Description, 4000);
        var lifecycle = LifecycleNames.Parse(input.Lifecycle);
        if (lifecycle is null)
        {
            errors.Add("lifecycle", string.IsNullOrWhiteSpace(input.Lifecycle)
                ? $"lifecycle is required: one of {string.Join(", ", LifecycleNames.All)}."
                : $"'{input.Lifecycle}' is not a lifecycle; use one of {string.Join(", ", LifecycleNames.All)}.");
        }
        var tier = input.Tier ?? 3;
        if (tier is < 1 or > 3)
        {
            errors.Add("tier", "tier must be 1, 2 or 3 (1 is the most critical).");
        }
        var languages = Validate.List(errors, "languages", input.Languages, 20, 40, KnownLanguages.Canonical);
        var tags = Validate.List(errors, "tags", input.Tags, 30, 63, t => t.Trim().ToLowerInvariant());
        var framework = Validate.Optional(errors, "framework", input.Framework, 100);
        var repositoryUrl = Validate.HttpUrl(errors, "repositoryUrl", input.RepositoryUrl);
        var runbookUrl = Validate.HttpUrl(errors, "runbookUrl", input.RunbookUrl);
        var ownKey = slug is null ? null : Slug.Key(slug);
        var oldKey = service.Id == 0 ? null : service.SlugKey;
        var dependsOnSlugs = input.DependsOn;
        if (dependsOnSlugs is not null && dependsOnSlugs.Any(d => d is not null && (Slug.Key(d.Trim()) == ownKey || Slug.Key(d.Trim()) == oldKey)))
        {
            errors.Add("dependsOn", "A service cannot depend on itself.");
            dependsOnSlugs = [.. dependsOnSlugs.Where(d => d is null || (Slug.Key(d.Trim()) != ownKey && Slug.Key(d.Trim()) != oldKey))];
        }
        var dependsOn = await ResolveAsync(errors, "dependsOn", dependsOnSlugs, "service",
            keys => db.Services.Where(x => keys.Contains(x.SlugKey)).Select(x => new KeyId(x.SlugKey, x.Id)), ct);
        var databases = await ResolveAsync(errors, "databases", input.Databases, "database",
            keys => db.Databases.Where(x => keys.Contains(x.SlugKey)).Select(x => new KeyId(x.SlugKey, x.Id)), ct);
        var provides = await ResolveAsync(errors, "providesApis", input.ProvidesApis, "API",
            keys => db.Apis.Where(x => keys.Contains(x.SlugKey)).Select(x => new KeyId(x.SlugKey, x.Id)), ct);
        var consumes = await ResolveAsync(errors, "consumesApis", input.ConsumesApis, "API",
            keys => db.Apis.Where(x => keys.Contains(x.SlugKey)).Select(x => new KeyId(x.SlugKey, x.Id)), ct);
        int? systemId = null;
        if (!string.IsNullOrWhiteSpace(input.System))
        {
            var systemKey = Slug.Key(input.System.Trim());
            systemId = await db.Systems.Where(x => x.SlugKey == systemKey).Select(x => (int?)x.Id).FirstOrDefaultAsync(ct);
            if (systemId is null)
            {
                errors.Add("system", $"There is no system '{input.System.Trim()}'.");
            }
        }
        int? ownerId = null;
        if (string.IsNullOrWhiteSpace(input.Owner))
        {
            errors.Add("owner", "owner is required: the slug of the team that owns the service.");
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
        errors.ThrowIfAny();

        service.Slug = slug!;
        service.SlugKey = Slug.Key(slug!);
        service.Name = name!;
        service.Description = description;
        service.Lifecycle = lifecycle!.Value;
        service.Tier = tier;
        service.Languages = languages;
        service.Tags = tags;
        service.Framework = framework;
        service.RepositoryUrl = repositoryUrl;
        service.RunbookUrl = runbookUrl;
        service.OwnerTeamId = ownerId!.Value;
        if (input.System is not null)
        {
            service.SystemId = systemId;
        }
        if (dependsOn is not null)
        {
            service.DependsOn.RemoveAll(d => !dependsOn.Contains(d.DependsOnId));
            service.DependsOn.AddRange(dependsOn.Where(id => !service.DependsOn.Any(d => d.DependsOnId == id)).Select(id => new ServiceDependency { DependsOnId = id }));
        }
        if (databases is not null)
        {
            service.Databases.RemoveAll(d => !databases.Contains(d.DatabaseId));
            service.Databases.AddRange(databases.Where(id => !service.Databases.Any(d => d.DatabaseId == id)).Select(id => new ServiceDatabase { DatabaseId = id }));
        }
        foreach (var (role, ids) in new[] { (ApiRole.Provides, provides), (ApiRole.Consumes, consumes) })
        {
            if (ids is null)
            {
                continue;
            }
            service.Apis.RemoveAll(a => a.Role == role && !ids.Contains(a.ApiId));
            service.Apis.AddRange(ids.Where(id => !service.Apis.Any(a => a.Role == role && a.ApiId == id)).Select(id => new ServiceApiLink { ApiId = id, Role = role }));
        }
        return ownerId.Value;
    }

    public const int MaxRelations = 500;

    private sealed record KeyId(string Key, int Id);

    /// <summary>
    /// Slugs to ids; null when the field was omitted (leave the relation as it is). Unknown slugs
    /// are one error naming all of them.
    /// </summary>
    private static async Task<HashSet<int>?> ResolveAsync(
        ValidationErrors errors, string field, List<string>? slugs, string kind, Func<List<string>, IQueryable<KeyId>> lookup, CancellationToken ct)
    {
        if (slugs is null)
        {
            return null;
        }
        var wanted = slugs.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim()).DistinctBy(Slug.Key).ToList();
        if (wanted.Count > MaxRelations)
        {
            errors.Add(field, $"{field} may hold at most {MaxRelations} entries.");
            return [];
        }
        var keys = wanted.Select(Slug.Key).ToList();
        var found = await lookup(keys).ToDictionaryAsync(x => x.Key, x => x.Id, ct);
        var unknown = wanted.Where(w => !found.ContainsKey(Slug.Key(w))).ToList();
        if (unknown.Count > 0)
        {
            errors.Add(field, $"Unknown {kind}{(unknown.Count == 1 ? "" : "s")} in {field}: {string.Join(", ", unknown.Select(u => $"'{u}'"))}.");
        }
        return [.. found.Values];
    }

    private async Task AuditAsync(AppDbContext db, Actor actor, string action, Service service, string summary, ServiceDetails? before, CancellationToken ct)
    {
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, action, "service", service.Slug, summary, before, await SnapshotAsync(db, service, ct));
        }
    }

    /// <summary>The service as <see cref="GetAsync"/> shows it, from the tracked entity (before it is saved).</summary>
    private static async Task<ServiceDetails> SnapshotAsync(AppDbContext db, Service s, CancellationToken ct)
    {
        var owner = db.Teams.Local.Where(t => t.Id == s.OwnerTeamId).Select(t => new { t.Slug, t.Name }).FirstOrDefault()
            ?? await db.Teams.AsNoTracking().Where(t => t.Id == s.OwnerTeamId).Select(t => new { t.Slug, t.Name }).FirstAsync(ct);
        var dependsOnIds = s.DependsOn.Select(d => d.DependsOnId).ToList();
        var databaseIds = s.Databases.Select(d => d.DatabaseId).ToList();
        var apiIds = s.Apis.Select(a => a.ApiId).ToList();
        var serviceSlugs = await db.Services.AsNoTracking().Where(x => dependsOnIds.Contains(x.Id)).Select(x => x.Slug).ToListAsync(ct);
        var databaseSlugs = await db.Databases.AsNoTracking().Where(x => databaseIds.Contains(x.Id)).Select(x => x.Slug).ToListAsync(ct);
        var apiSlugs = await db.Apis.AsNoTracking().Where(x => apiIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Slug, ct);
        var system = s.SystemId is { } sid ? await db.Systems.AsNoTracking().Where(x => x.Id == sid).Select(x => new { x.Slug, x.Name }).FirstOrDefaultAsync(ct) : null;
        return new ServiceDetails(
            s.Slug, s.Name, s.Description, owner.Slug, owner.Name, LifecycleNames.ToApi(s.Lifecycle), s.Tier,
            [.. s.Languages], s.Framework, s.RepositoryUrl, s.RunbookUrl, [.. s.Tags],
            s.CreatedAt, s.CreatedBy, s.UpdatedAt, s.UpdatedBy, s.Version)
        {
            System = system?.Slug,
            SystemName = system?.Name,
            DependsOn = [.. serviceSlugs.Order(StringComparer.OrdinalIgnoreCase)],
            Databases = [.. databaseSlugs.Order(StringComparer.OrdinalIgnoreCase)],
            ProvidesApis = [.. s.Apis.Where(a => a.Role == ApiRole.Provides && apiSlugs.ContainsKey(a.ApiId)).Select(a => apiSlugs[a.ApiId]).Order(StringComparer.OrdinalIgnoreCase)],
            ConsumesApis = [.. s.Apis.Where(a => a.Role == ApiRole.Consumes && apiSlugs.ContainsKey(a.ApiId)).Select(a => apiSlugs[a.ApiId]).Order(StringComparer.OrdinalIgnoreCase)],
        };
    }

    private static string Duplicate(string slug) =>
        $"A service with the slug '{slug}' already exists (slugs are compared ignoring case).";
}
