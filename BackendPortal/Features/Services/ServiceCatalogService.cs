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
        return new Page<ServiceDetails>(rows.Take(page.Limit).ToList(), next, total);
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
        return new Page<ServiceDetails>(rows, next, matches.Count);
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
        return await db.Services.Where(s => s.SlugKey == key).Select(Project).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{slug}'");
    }

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
        var service = await db.Services.Include(s => s.OwnerTeam).FirstOrDefaultAsync(s => s.SlugKey == key, ct)
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
        var service = await db.Services.FirstOrDefaultAsync(s => s.SlugKey == key, ct)
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
        db.Services.Remove(service);
        await db.SaveChangesAsync(ct);
    }

    public async Task WriteCsvAsync(ServiceFilter filter, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await writer.WriteLineAsync("slug,name,owner,lifecycle,tier,languages,framework,repositoryUrl,runbookUrl,tags,description,updatedAt,updatedBy");
        await foreach (var s in Filtered(db, filter).OrderBy(s => s.SlugKey).Select(Project).AsAsyncEnumerable().WithCancellation(ct))
        {
            var fields = new[]
            {
                s.Slug, s.Name, s.Owner, s.Lifecycle, s.Tier.ToString(CultureInfo.InvariantCulture), string.Join(";", s.Languages),
                s.Framework, s.RepositoryUrl, s.RunbookUrl, string.Join(";", s.Tags), s.Description,
                s.UpdatedAt.ToString("O", CultureInfo.InvariantCulture), s.UpdatedBy,
            };
            await writer.WriteLineAsync(string.Join(",", fields.Select(Csv.Field)));
        }
    }

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
        s.CreatedAt, s.CreatedBy, s.UpdatedAt, s.UpdatedBy, s.Version);

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
        return ownerId.Value;
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
        return new ServiceDetails(
            s.Slug, s.Name, s.Description, owner.Slug, owner.Name, LifecycleNames.ToApi(s.Lifecycle), s.Tier,
            [.. s.Languages], s.Framework, s.RepositoryUrl, s.RunbookUrl, [.. s.Tags],
            s.CreatedAt, s.CreatedBy, s.UpdatedAt, s.UpdatedBy, s.Version);
    }

    private static string Duplicate(string slug) =>
        $"A service with the slug '{slug}' already exists (slugs are compared ignoring case).";
}
