using System.Globalization;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Systems;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Databases;

/// <summary>Databases for the pages and the API: one piece of logic, two doors.</summary>
public sealed class DatabaseCatalogService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    public const long MaxCapacityBytes = 1L << 60;

    public async Task<Page<DatabaseDetails>> ListAsync(DatabaseFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            query = query.Where(d => string.Compare(d.SlugKey, after) > 0);
        }
        var rows = await query.OrderBy(d => d.SlugKey).Take(page.Limit + 1).Select(Project).ToListAsync(ct);
        var next = rows.Count > page.Limit ? PageRequest.EncodeCursor(Slug.Key(rows[page.Limit - 1].Slug)) : null;
        return new Page<DatabaseDetails>(rows.Take(page.Limit).ToList(), next, total);
    }

    public async Task<GridPage<DatabaseDetails>> QueryAsync(
        DatabaseFilter filter, DatabaseSort sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        query = (sort, descending) switch
        {
            (DatabaseSort.Owner, false) => query.OrderBy(d => d.OwnerTeam.SlugKey).ThenBy(d => d.SlugKey),
            (DatabaseSort.Owner, true) => query.OrderByDescending(d => d.OwnerTeam.SlugKey).ThenBy(d => d.SlugKey),
            (DatabaseSort.Engine, false) => query.OrderBy(d => d.Engine).ThenBy(d => d.SlugKey),
            (DatabaseSort.Engine, true) => query.OrderByDescending(d => d.Engine).ThenBy(d => d.SlugKey),
            (DatabaseSort.Environment, false) => query.OrderBy(d => d.Environment).ThenBy(d => d.SlugKey),
            (DatabaseSort.Environment, true) => query.OrderByDescending(d => d.Environment).ThenBy(d => d.SlugKey),
            (DatabaseSort.UpdatedAt, false) => query.OrderBy(d => d.UpdatedAt).ThenBy(d => d.SlugKey),
            (DatabaseSort.UpdatedAt, true) => query.OrderByDescending(d => d.UpdatedAt).ThenBy(d => d.SlugKey),
            (_, true) => query.OrderByDescending(d => d.Name).ThenBy(d => d.SlugKey),
            _ => query.OrderBy(d => d.Name).ThenBy(d => d.SlugKey),
        };
        var items = await query.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit)).Select(Project).ToListAsync(ct);
        return new GridPage<DatabaseDetails>(items, total);
    }

    public async Task<DatabaseDetails> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        return await db.Databases.Where(d => d.SlugKey == key).Select(Project).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Database '{slug}'");
    }

    /// <summary>The services that use the database (slug, name, owner slug, tier).</summary>
    public async Task<IReadOnlyList<(string Slug, string Name, string Owner, int Tier)>> UsedByAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var rows = await db.ServiceDatabases.AsNoTracking().Where(l => l.Database.SlugKey == key).OrderBy(l => l.Service.Name)
            .Select(l => new { l.Service.Slug, l.Service.Name, Owner = l.Service.OwnerTeam.Slug, l.Service.Tier }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Slug, r.Name, r.Owner, r.Tier))];
    }

    public async Task<bool> CanEditAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        if (!actor.CanWriteCatalog)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var teamId = await db.Databases.Where(d => d.SlugKey == key).Select(d => (int?)d.OwnerTeamId).FirstOrDefaultAsync(ct);
        return teamId is { } id && await CatalogAccess.CanEditForTeamAsync(db, actor, id, ct);
    }

    public async Task<DatabaseDetails> CreateAsync(Actor actor, DatabaseInput input, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var database = new CatalogDatabase();
        var ownerId = await ApplyAsync(db, database, input, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, ownerId, ct))
        {
            throw new ForbiddenException($"You can only create databases owned by a team you belong to; you are not a member of '{input.Owner}'.");
        }
        if (await db.Databases.AnyAsync(d => d.SlugKey == database.SlugKey, ct))
        {
            throw new ConflictException(Duplicate(database.Slug));
        }
        database.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Databases.Add(database);
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityCreated, "database", database.Slug, $"Created database '{database.Slug}'", null, await SnapshotAsync(db, database, ct));
        }
        await db.SaveCatalogChangesAsync(database, $"Database '{database.Slug}'", Duplicate(database.Slug), ct);
        return await GetAsync(database.Slug, ct);
    }

    /// <summary>Replaces a database; <paramref name="expectedVersion"/> null overwrites whatever is there.</summary>
    public async Task<DatabaseDetails> UpdateAsync(Actor actor, string slug, DatabaseInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var database = await db.Databases.FirstOrDefaultAsync(d => d.SlugKey == key, ct)
            ?? throw new NotFoundException($"Database '{slug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, database.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can change '{database.Slug}'.");
        }
        database.ThrowIfChangedSince(expectedVersion, $"Database '{database.Slug}'");
        var readVersion = database.Version;
        var before = audit.RecordsDataChanges ? await SnapshotAsync(db, database, ct) : null;
        var ownerId = await ApplyAsync(db, database, input, ct);
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, ownerId, ct))
        {
            throw new ForbiddenException($"You can only hand a database to a team you belong to; you are not a member of '{input.Owner}'.");
        }
        if (database.SlugKey != key && await db.Databases.AnyAsync(d => d.SlugKey == database.SlugKey && d.Id != database.Id, ct))
        {
            throw new ConflictException(Duplicate(database.Slug));
        }
        database.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Entry(database).Property(d => d.Version).OriginalValue = readVersion;
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "database", database.Slug,
                before!.Slug == database.Slug ? $"Updated database '{database.Slug}'" : $"Updated database '{before.Slug}', now '{database.Slug}'",
                before, await SnapshotAsync(db, database, ct));
        }
        await db.SaveCatalogChangesAsync(database, $"Database '{database.Slug}'", Duplicate(database.Slug), ct);
        return await GetAsync(database.Slug, ct);
    }

    /// <summary>Deletes a database with its ledger, samples and backups; services stop using it.</summary>
    public async Task DeleteAsync(Actor actor, string slug, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var database = await db.Databases.FirstOrDefaultAsync(d => d.SlugKey == key, ct)
            ?? throw new NotFoundException($"Database '{slug}'");
        if (!await CatalogAccess.CanEditForTeamAsync(db, actor, database.OwnerTeamId, ct))
        {
            throw new ForbiddenException($"Only members of the owner team (or admins) can delete '{database.Slug}'.");
        }
        database.ThrowIfChangedSince(expectedVersion, $"Database '{database.Slug}'");
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, AuditActions.EntityDeleted, "database", database.Slug, $"Deleted database '{database.Slug}'", await SnapshotAsync(db, database, ct), null);
        }
        db.Databases.Remove(database);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException($"Database '{database.Slug}'", database.UpdatedBy, database.UpdatedAt, database.ETag);
        }
    }

    public async Task WriteCsvAsync(DatabaseFilter filter, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await writer.WriteLineAsync("slug,name,engine,engineVersion,environment,owner,system,host,capacityBytes,backupFrequencyHours,rpoMinutes,rtoMinutes,tags,description,updatedAt,updatedBy");
        await foreach (var d in Filtered(db, filter).OrderBy(d => d.SlugKey).Select(Project).AsAsyncEnumerable().WithCancellation(ct))
        {
            var fields = new[]
            {
                d.Slug, d.Name, d.Engine, d.EngineVersion, d.Environment, d.Owner, d.System, d.Host, Number(d.CapacityBytes),
                Number(d.BackupPolicy.FrequencyHours), Number(d.BackupPolicy.RpoMinutes), Number(d.BackupPolicy.RtoMinutes),
                string.Join(";", d.Tags), d.Description, d.UpdatedAt.ToString("O", CultureInfo.InvariantCulture), d.UpdatedBy,
            };
            await writer.WriteLineAsync(string.Join(",", fields.Select(Csv.Field)));
        }
    }

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static IQueryable<CatalogDatabase> Filtered(AppDbContext db, DatabaseFilter filter)
    {
        var query = db.Databases.AsNoTracking();
        var errors = new ValidationErrors();
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var pattern = Validate.LikePattern(filter.Q.Trim());
            query = query.Where(d =>
                EF.Functions.Like(d.Slug, pattern, "\\") ||
                EF.Functions.Like(d.Name, pattern, "\\") ||
                EF.Functions.Like(d.Host!, pattern, "\\") ||
                EF.Functions.Like(d.Description!, pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            var ownerKey = Slug.Key(filter.Owner.Trim());
            query = query.Where(d => d.OwnerTeam.SlugKey == ownerKey);
        }
        if (!string.IsNullOrWhiteSpace(filter.System))
        {
            var systemKey = Slug.Key(filter.System.Trim());
            query = query.Where(d => d.System!.SlugKey == systemKey);
        }
        if (!string.IsNullOrWhiteSpace(filter.Engine))
        {
            if (EngineNames.Parse(filter.Engine) is { } engine)
            {
                query = query.Where(d => d.Engine == engine);
            }
            else
            {
                errors.Add("engine", $"'{filter.Engine.Trim()}' is not an engine; use one of {string.Join(", ", EngineNames.All)}.");
            }
        }
        if (!string.IsNullOrWhiteSpace(filter.Environment))
        {
            if (EnvironmentNames.Parse(filter.Environment) is { } environment)
            {
                query = query.Where(d => d.Environment == environment);
            }
            else
            {
                errors.Add("environment", EnvironmentNames.Message("environment", filter.Environment));
            }
        }
        errors.ThrowIfAny();
        return query;
    }

    private static readonly System.Linq.Expressions.Expression<Func<CatalogDatabase, DatabaseDetails>> Project = d => new DatabaseDetails(
        d.Slug, d.Name, d.Description, d.Engine.ToString().ToLower(), d.EngineVersion, d.Environment.ToString().ToLower(),
        d.OwnerTeam.Slug, d.OwnerTeam.Name, d.System != null ? d.System.Slug : null, d.System != null ? d.System.Name : null,
        d.Host, d.CapacityBytes, new BackupPolicy(d.BackupFrequencyHours, d.RpoMinutes, d.RtoMinutes), d.Tags,
        d.CreatedAt, d.CreatedBy, d.UpdatedAt, d.UpdatedBy, d.Version);

    private static async Task<int> ApplyAsync(AppDbContext db, CatalogDatabase database, DatabaseInput input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var slug = Validate.Slug(errors, "slug", input.Slug);
        var name = Validate.Required(errors, "name", input.Name, 200);
        var description = Validate.Optional(errors, "description", input.Description, 4000);
        var engine = EngineNames.Parse(input.Engine);
        if (engine is null)
        {
            errors.Add("engine", string.IsNullOrWhiteSpace(input.Engine)
                ? $"engine is required: one of {string.Join(", ", EngineNames.All)}."
                : $"'{input.Engine.Trim()}' is not an engine; use one of {string.Join(", ", EngineNames.All)}.");
        }
        var version = Validate.Optional(errors, "engineVersion", input.EngineVersion, 50);
        var environment = EnvironmentNames.Parse(input.Environment);
        if (environment is null)
        {
            errors.Add("environment", EnvironmentNames.Message("environment", input.Environment));
        }
        var host = Validate.Optional(errors, "host", input.Host, 500);
        if (host is not null && host.Any(char.IsWhiteSpace) && !CredentialGuard.CarriesSecret(host))
        {
            errors.Add("host", "host must be a host or cluster name (for example orders-db.internal:5432), without spaces.");
        }
        var tags = Validate.List(errors, "tags", input.Tags, 30, 63, t => t.Trim().ToLowerInvariant());
        foreach (var (field, value) in new[] { ("host", host), ("name", name), ("description", description), ("engineVersion", version), ("slug", slug) }
            .Concat(tags.Select(t => ("tags", (string?)t))))
        {
            if (CredentialGuard.CarriesSecret(value))
            {
                errors.Add(field, CredentialGuard.Message(field));
            }
        }
        if (input.CapacityBytes is < 0 or > MaxCapacityBytes)
        {
            errors.Add("capacityBytes", "capacityBytes must be a size in bytes between 0 and 2^60 (1 EiB).");
        }
        var policy = input.BackupPolicy ?? new BackupPolicy(null, null, null);
        if (policy.FrequencyHours is < 1 or > 24 * 366)
        {
            errors.Add("backupPolicy.frequencyHours", "backupPolicy.frequencyHours must be between 1 and 8784 hours (a year).");
        }
        if (policy.RpoMinutes is < 0 or > 525_600)
        {
            errors.Add("backupPolicy.rpoMinutes", "backupPolicy.rpoMinutes must be between 0 and 525600 minutes (a year).");
        }
        if (policy.RtoMinutes is < 0 or > 525_600)
        {
            errors.Add("backupPolicy.rtoMinutes", "backupPolicy.rtoMinutes must be between 0 and 525600 minutes (a year).");
        }
        var ownerId = await SystemCatalogService.ResolveOwnerAsync(db, errors, input.Owner, "database", ct);
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

        database.Slug = slug!;
        database.SlugKey = Slug.Key(slug!);
        database.Name = name!;
        database.Description = description;
        database.Engine = engine!.Value;
        database.EngineVersion = version;
        database.Environment = environment!.Value;
        database.Host = host;
        database.CapacityBytes = input.CapacityBytes;
        database.BackupFrequencyHours = policy.FrequencyHours;
        database.RpoMinutes = policy.RpoMinutes;
        database.RtoMinutes = policy.RtoMinutes;
        database.Tags = tags;
        database.OwnerTeamId = ownerId!.Value;
        database.SystemId = systemId;
        return ownerId.Value;
    }

    private static async Task<DatabaseSnapshot> SnapshotAsync(AppDbContext db, CatalogDatabase d, CancellationToken ct)
    {
        var owner = await db.Teams.AsNoTracking().Where(t => t.Id == d.OwnerTeamId).Select(t => t.Slug).FirstAsync(ct);
        var system = d.SystemId is { } sid ? await db.Systems.AsNoTracking().Where(s => s.Id == sid).Select(s => s.Slug).FirstOrDefaultAsync(ct) : null;
        return new DatabaseSnapshot(d.Slug, d.Name, d.Description, EngineNames.ToApi(d.Engine), d.EngineVersion, EnvironmentNames.ToApi(d.Environment),
            owner, system, d.Host, d.CapacityBytes, new BackupPolicy(d.BackupFrequencyHours, d.RpoMinutes, d.RtoMinutes), [.. d.Tags], d.Version);
    }

    private static string Duplicate(string slug) =>
        $"A database with the slug '{slug}' already exists (slugs are compared ignoring case).";
}
