using System.Globalization;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Systems;

/// <summary>Systems for the pages and the API: one piece of logic, two doors.</summary>
public sealed class SystemCatalogService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    public async Task<Page<SystemDetails>> ListAsync(SystemFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            query = query.Where(s => string.Compare(s.SlugKey, after) > 0);
        }
        var rows = await query.OrderBy(s => s.SlugKey).Take(page.Limit + 1).Select(Project(db)).ToListAsync(ct);
        var next = rows.Count > page.Limit ? PageRequest.EncodeCursor(Slug.Key(rows[page.Limit - 1].Slug)) : null;
        return new Page<SystemDetails>(rows.Take(page.Limit).ToList(), next, total);
    }

    public async Task<GridPage<SystemDetails>> QueryAsync(
        SystemFilter filter, SystemSort sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        query = (sort, descending) switch
        {
            (SystemSort.Owner, false) => query.OrderBy(s => s.OwnerTeam.SlugKey).ThenBy(s => s.SlugKey),
            (SystemSort.Owner, true) => query.OrderByDescending(s => s.OwnerTeam.SlugKey).ThenBy(s => s.SlugKey),
            (SystemSort.Domain, false) => query.OrderBy(s => s.Domain).ThenBy(s => s.SlugKey),
            (SystemSort.Domain, true) => query.OrderByDescending(s => s.Domain).ThenBy(s => s.SlugKey),
            (SystemSort.UpdatedAt, false) => query.OrderBy(s => s.UpdatedAt).ThenBy(s => s.SlugKey),
            (SystemSort.UpdatedAt, true) => query.OrderByDescending(s => s.UpdatedAt).ThenBy(s => s.SlugKey),
            (_, true) => query.OrderByDescending(s => s.Name).ThenBy(s => s.SlugKey),
            _ => query.OrderBy(s => s.Name).ThenBy(s => s.SlugKey),
        };
        var items = await query.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit)).Select(Project(db)).ToListAsync(ct);
        return new GridPage<SystemDetails>(items, total);
    }

    public async Task<SystemDetails> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        return await db.Systems.Where(s => s.SlugKey == key).Select(Project(db)).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"System '{slug}'");
    }

    /// <summary>The services, databases and APIs that belong to the system, by kind then name.</summary>
    public async Task<IReadOnlyList<SystemMember>> MembersAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var id = await db.Systems.Where(s => s.SlugKey == key).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"System '{slug}'");
        var services = await db.Services.AsNoTracking().Where(s => s.SystemId == id).OrderBy(s => s.Name)
            .Select(s => new SystemMember("service", s.Slug, s.Name, s.OwnerTeam.Slug, "tier " + s.Tier)).ToListAsync(ct);
        var databases = await db.Databases.AsNoTracking().Where(d => d.SystemId == id).OrderBy(d => d.Name)
            .Select(d => new { d.Slug, d.Name, Owner = d.OwnerTeam.Slug, d.Engine, d.Environment }).ToListAsync(ct);
        var apis = await db.Apis.AsNoTracking().Where(a => a.SystemId == id).OrderBy(a => a.Name)
            .Select(a => new { a.Slug, a.Name, Owner = a.OwnerTeam.Slug, a.Type }).ToListAsync(ct);
        return
        [
            .. services,
            .. databases.Select(d => new SystemMember("database", d.Slug, d.Name, d.Owner, $"{d.Engine}, {d.Environment.ToString().ToLowerInvariant()}")),
            .. apis.Select(a => new SystemMember("api", a.Slug, a.Name, a.Owner, a.Type.ToString().ToLowerInvariant())),
        ];
    }

    /// <summary>Every system's slug and name, for pickers.</summary>
    public async Task<IReadOnlyList<(string Slug, string Name)>> AllNamesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Systems.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Slug, s.Name }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Slug, r.Name))];
    }

    public async Task<bool> CanEditAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        if (!actor.CanWriteCatalog)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var teamId = await db.Systems.Where(s => s.SlugKey == key).Select(s => (int?)s.OwnerTeamId).FirstOrDefaultAsync(ct);
        return teamId is { } id && await CatalogAccess.CanEditForTeamAsync(db, actor, id, ct);
    }

    public async Task<SystemDetails> CreateAsync(Actor actor, SystemInput input, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var system = new CatalogSystem();
        var ownerId = await ApplyAsync(db, system, input, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, ownerId, ct))
        {
            throw new ForbiddenException($"You can only create systems owned by a team you belong to; you are not a member of '{input.Owner}'.");
        }
        if (await db.Systems.AnyAsync(s => s.SlugKey == system.SlugKey, ct))
        {
            throw new ConflictException(Duplicate(system.Slug));
        }
        system.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Systems.Add(system);
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityCreated, "system", system.Slug, $"Created system '{system.Slug}'", null, await SnapshotAsync(db, system, ct));
        }
        await db.SaveCatalogChangesAsync(system, $"System '{system.Slug}'", Duplicate(system.Slug), ct);
        return await GetAsync(system.Slug, ct);
    }

    /// <summary>Replaces a system; <paramref name="expectedVersion"/> null overwrites whatever is there.</summary>
    public async Task<SystemDetails> UpdateAsync(Actor actor, string slug, SystemInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var system = await db.Systems.Include(s => s.OwnerTeam).FirstOrDefaultAsync(s => s.SlugKey == key, ct)
            ?? throw new NotFoundException($"System '{slug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, system.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can change '{system.Slug}'.");
        }
        system.ThrowIfChangedSince(expectedVersion, $"System '{system.Slug}'");
        var readVersion = system.Version;
        var before = audit.RecordsDataChanges ? await SnapshotAsync(db, system, ct) : null;
        var ownerId = await ApplyAsync(db, system, input, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, ownerId, ct))
        {
            throw new ForbiddenException($"You can only hand a system to a team you belong to; you are not a member of '{input.Owner}'.");
        }
        if (system.SlugKey != key && await db.Systems.AnyAsync(s => s.SlugKey == system.SlugKey && s.Id != system.Id, ct))
        {
            throw new ConflictException(Duplicate(system.Slug));
        }
        system.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Entry(system).Property(s => s.Version).OriginalValue = readVersion;
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "system", system.Slug,
                before!.Slug == system.Slug ? $"Updated system '{system.Slug}'" : $"Updated system '{before.Slug}', now '{system.Slug}'",
                before, await SnapshotAsync(db, system, ct));
        }
        await db.SaveCatalogChangesAsync(system, $"System '{system.Slug}'", Duplicate(system.Slug), ct);
        return await GetAsync(system.Slug, ct);
    }

    /// <summary>Deletes a system; its services, databases, APIs and resources stay and belong to no system.</summary>
    public async Task DeleteAsync(Actor actor, string slug, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var system = await db.Systems.FirstOrDefaultAsync(s => s.SlugKey == key, ct)
            ?? throw new NotFoundException($"System '{slug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, system.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can delete '{system.Slug}'.");
        }
        system.ThrowIfChangedSince(expectedVersion, $"System '{system.Slug}'");
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityDeleted, "system", system.Slug, $"Deleted system '{system.Slug}'", await SnapshotAsync(db, system, ct), null);
        }
        // The members' keys are ClientSetNull (SQL Server's cascade-path rule), so they are cleared here, in the delete's transaction.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = system.Id;
        await db.Services.Where(s => s.SystemId == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.SystemId, (int?)null), ct);
        await db.Databases.Where(d => d.SystemId == id).ExecuteUpdateAsync(u => u.SetProperty(d => d.SystemId, (int?)null), ct);
        await db.Apis.Where(a => a.SystemId == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.SystemId, (int?)null), ct);
        await db.Resources.Where(r => r.SystemId == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.SystemId, (int?)null), ct);
        db.Systems.Remove(system);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException($"System '{system.Slug}'", system.UpdatedBy, system.UpdatedAt, system.ETag);
        }
        await tx.CommitAsync(ct);
    }

    public async Task WriteCsvAsync(SystemFilter filter, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await writer.WriteLineAsync("slug,name,owner,domain,services,databases,apis,tags,description,updatedAt,updatedBy");
        await foreach (var s in Filtered(db, filter).OrderBy(s => s.SlugKey).Select(Project(db)).AsAsyncEnumerable().WithCancellation(ct))
        {
            var fields = new[]
            {
                s.Slug, s.Name, s.Owner, s.Domain, s.ServiceCount.ToString(CultureInfo.InvariantCulture),
                s.DatabaseCount.ToString(CultureInfo.InvariantCulture), s.ApiCount.ToString(CultureInfo.InvariantCulture),
                string.Join(";", s.Tags), s.Description, s.UpdatedAt.ToString("O", CultureInfo.InvariantCulture), s.UpdatedBy,
            };
            await writer.WriteLineAsync(string.Join(",", fields.Select(Csv.Field)));
        }
    }

    private static IQueryable<CatalogSystem> Filtered(AppDbContext db, SystemFilter filter)
    {
        var query = db.Systems.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var pattern = Validate.LikePattern(filter.Q.Trim());
            query = query.Where(s =>
                EF.Functions.Like(s.Slug, pattern, "\\") ||
                EF.Functions.Like(s.Name, pattern, "\\") ||
                EF.Functions.Like(s.Domain!, pattern, "\\") ||
                EF.Functions.Like(s.Description!, pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            var ownerKey = Slug.Key(filter.Owner.Trim());
            query = query.Where(s => s.OwnerTeam.SlugKey == ownerKey);
        }
        return query;
    }

    private static System.Linq.Expressions.Expression<Func<CatalogSystem, SystemDetails>> Project(AppDbContext db) => s => new SystemDetails(
        s.Slug, s.Name, s.Description, s.OwnerTeam.Slug, s.OwnerTeam.Name, s.Domain, s.Tags,
        db.Services.Count(x => x.SystemId == s.Id), db.Databases.Count(x => x.SystemId == s.Id), db.Apis.Count(x => x.SystemId == s.Id),
        s.CreatedAt, s.CreatedBy, s.UpdatedAt, s.UpdatedBy, s.Version);

    private static async Task<int> ApplyAsync(AppDbContext db, CatalogSystem system, SystemInput input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var slug = Validate.Slug(errors, "slug", input.Slug);
        var name = Validate.Required(errors, "name", input.Name, 200);
        var description = Validate.Optional(errors, "description", input.Description, 4000);
        var domain = Validate.Optional(errors, "domain", input.Domain, Data.Slug.MaxLength);
        var tags = Validate.List(errors, "tags", input.Tags, 30, 63, t => t.Trim().ToLowerInvariant());
        var ownerId = await ResolveOwnerAsync(db, errors, input.Owner, "system", ct);
        errors.ThrowIfAny();

        system.Slug = slug!;
        system.SlugKey = Slug.Key(slug!);
        system.Name = name!;
        system.Description = description;
        system.Domain = domain;
        system.Tags = tags;
        system.OwnerTeamId = ownerId!.Value;
        return ownerId.Value;
    }

    /// <summary>The owner team's id from its slug, or an error on "owner" naming what is wrong.</summary>
    internal static async Task<int?> ResolveOwnerAsync(AppDbContext db, ValidationErrors errors, string? owner, string kind, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(owner))
        {
            errors.Add("owner", $"owner is required: the slug of the team that owns the {kind}.");
            return null;
        }
        var ownerKey = Slug.Key(owner.Trim());
        var id = await db.Teams.Where(t => t.SlugKey == ownerKey).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
        if (id is null)
        {
            errors.Add("owner", $"There is no team '{owner.Trim()}'. Create the team first or pick an existing one.");
        }
        return id;
    }

    private static async Task<SystemSnapshot> SnapshotAsync(AppDbContext db, CatalogSystem s, CancellationToken ct)
    {
        var owner = db.Teams.Local.Where(t => t.Id == s.OwnerTeamId).Select(t => t.Slug).FirstOrDefault()
            ?? await db.Teams.AsNoTracking().Where(t => t.Id == s.OwnerTeamId).Select(t => t.Slug).FirstAsync(ct);
        return new SystemSnapshot(s.Slug, s.Name, s.Description, owner, s.Domain, [.. s.Tags], s.Version);
    }

    private static string Duplicate(string slug) =>
        $"A system with the slug '{slug}' already exists (slugs are compared ignoring case).";
}
