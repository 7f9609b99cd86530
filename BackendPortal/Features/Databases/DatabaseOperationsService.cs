using BackendPortal.Data;
using BackendPortal.Live;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Databases;

/// <summary>
/// What CI and the database's owners post about a database (migration ledger, sizes, slow-query
/// reports, backups) and the views the database page builds from them.
/// </summary>
public sealed class DatabaseOperationsService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILiveEvents live)
{
    /// <summary>Clocks drift; a timestamp a few minutes ahead is a skewed clock, further ahead is a mistake.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    public static readonly DateTime Earliest = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public const int MaxSlowQueriesPerReport = 1000;
    public const int MaxQueryLength = 100_000;
    public const int ForecastWindowDays = 90;

    // ---- who may post --------------------------------------------------------------------------

    /// <summary>
    /// CI tokens (Admin or QA with the ingest scope) post for every database; an Engineer with the
    /// ingest scope posts for the databases of their own teams (docs/decisions/0008-database-ingest.md).
    /// </summary>
    private static async Task<CatalogDatabase> ForIngestAsync(AppDbContext db, Actor actor, string slug, CancellationToken ct)
    {
        var key = Slug.Key(slug);
        var database = await db.Databases.FirstOrDefaultAsync(d => d.SlugKey == key, ct)
            ?? throw new NotFoundException($"Database '{slug}'");
        if (!actor.HasScope(TokenScopes.Ingest))
        {
            throw new ForbiddenException("This token lacks the 'ingest' scope.");
        }
        if (actor.IsInAnyRole(Roles.Admin, Roles.QA))
        {
            return database;
        }
        if (actor.IsInAnyRole(Roles.Engineer) && await IsMemberAsync(db, actor, database.OwnerTeamId, ct))
        {
            return database;
        }
        throw new ForbiddenException($"Only CI (admin or QA tokens with the ingest scope) and engineers of the owner team can post data for '{database.Slug}'.");
    }

    private static Task<bool> IsMemberAsync(AppDbContext db, Actor actor, int teamId, CancellationToken ct) =>
        db.TeamMembers.AnyAsync(m => m.TeamId == teamId && m.Person.UserId == actor.UserId, ct);

    private static async Task<int> DatabaseIdAsync(AppDbContext db, string slug, CancellationToken ct)
    {
        var key = Slug.Key(slug);
        return await db.Databases.Where(d => d.SlugKey == key).Select(d => (int?)d.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Database '{slug}'");
    }

    private DateTime? CheckTime(ValidationErrors errors, string field, DateTime? value, bool required)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required: an ISO 8601 time, for example {now:yyyy-MM-ddTHH:mm:ssZ}.");
            }
            return required ? null : now;
        }
        var utc = value.Value.Kind switch
        {
            DateTimeKind.Local => value.Value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value.Value, DateTimeKind.Utc),
            _ => value.Value,
        };
        if (utc > now + FutureTolerance)
        {
            errors.Add(field, $"{field} {utc:yyyy-MM-ddTHH:mm:ssZ} is in the future; the server's time is {now:yyyy-MM-ddTHH:mm:ssZ}.");
        }
        else if (utc < Earliest)
        {
            errors.Add(field, $"{field} must be after 2000-01-01.");
        }
        return utc;
    }

    // ---- migration ledger ---------------------------------------------------------------------

    /// <summary>Records an applied migration; the same (environment, id) again returns the stored row and <c>Created</c> false.</summary>
    public async Task<(MigrationRecord Record, bool Created)> RecordMigrationAsync(Actor actor, string slug, MigrationInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var database = await ForIngestAsync(db, actor, slug, ct);
        var errors = new ValidationErrors();
        var id = Validate.Required(errors, "id", input.Id, 300);
        var description = Validate.Optional(errors, "description", input.Description, 2000);
        var appliedBy = Validate.Optional(errors, "appliedBy", input.AppliedBy, 256);
        var environment = EnvironmentNames.Parse(input.Environment);
        if (environment is null)
        {
            errors.Add("environment", EnvironmentNames.Message("environment", input.Environment));
        }
        var appliedAt = CheckTime(errors, "appliedAt", input.AppliedAt, required: false);
        errors.ThrowIfAny();

        var env = EnvironmentNames.ToApi(environment!.Value);
        var existing = await FindMigrationAsync(db, database.Id, env, id!, ct);
        if (existing is not null)
        {
            return (existing, false);
        }
        db.DatabaseMigrations.Add(new DatabaseMigration
        {
            DatabaseId = database.Id,
            Environment = env,
            MigrationId = id!,
            Description = description,
            AppliedAt = appliedAt!.Value,
            AppliedBy = appliedBy,
            RecordedAt = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two CI jobs posted the same migration at once: the other one's row is the answer.
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            return (await FindMigrationAsync(fresh, database.Id, env, id!, ct) ?? throw new ConflictException("The migration could not be recorded; try again."), false);
        }
        live.Publish(new DatabaseMigrationRecorded(database.Slug, env, id!));
        return ((await FindMigrationAsync(db, database.Id, env, id!, ct))!, true);
    }

    private static Task<MigrationRecord?> FindMigrationAsync(AppDbContext db, int databaseId, string environment, string id, CancellationToken ct) =>
        db.DatabaseMigrations.AsNoTracking()
            .Where(m => m.DatabaseId == databaseId && m.Environment == environment && m.MigrationId == id)
            .Select(m => new MigrationRecord(m.MigrationId, m.Description, m.Environment, m.AppliedAt, m.AppliedBy, m.RecordedAt))
            .FirstOrDefaultAsync(ct);

    public async Task<MigrationLedger> LedgerAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var databaseId = await DatabaseIdAsync(db, slug, ct);
        var rows = await db.DatabaseMigrations.AsNoTracking().Where(m => m.DatabaseId == databaseId)
            .Select(m => new MigrationRecord(m.MigrationId, m.Description, m.Environment, m.AppliedAt, m.AppliedBy, m.RecordedAt))
            .ToListAsync(ct);
        return BuildLedger(rows);
    }

    /// <summary>
    /// An environment is behind when another environment has applied a migration it has not. The
    /// missing ones are listed in the order they were first applied anywhere.
    /// </summary>
    public static MigrationLedger BuildLedger(IEnumerable<MigrationRecord> rows)
    {
        var list = rows.ToList();
        var firstApplied = list.GroupBy(r => r.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(r => r.AppliedAt), StringComparer.Ordinal);
        var environments = list.GroupBy(r => r.Environment)
            .OrderBy(g => EnvironmentOrder(g.Key))
            .Select(g =>
            {
                var applied = g.OrderByDescending(r => r.AppliedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).ToList();
                var have = applied.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
                var missing = firstApplied.Where(kv => !have.Contains(kv.Key)).OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => kv.Key).ToList();
                return new EnvironmentMigrations(g.Key, applied, missing);
            })
            .ToList();
        return new MigrationLedger(environments);
    }

    private static int EnvironmentOrder(string environment) =>
        EnvironmentNames.All.ToList().IndexOf(environment) is var i and >= 0 ? i : EnvironmentNames.All.Count;

    // ---- size ------------------------------------------------------------------------------------

    public async Task<SizePoint> RecordSizeAsync(Actor actor, string slug, SizeInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var database = await ForIngestAsync(db, actor, slug, ct);
        var errors = new ValidationErrors();
        if (input.Bytes is null)
        {
            errors.Add("bytes", "bytes is required: the database's size in bytes.");
        }
        else if (input.Bytes is < 0 or > DatabaseCatalogService.MaxCapacityBytes)
        {
            errors.Add("bytes", "bytes must be a size between 0 and 2^60 (1 EiB).");
        }
        var at = CheckTime(errors, "at", input.At, required: false);
        errors.ThrowIfAny();
        db.DatabaseSizeSamples.Add(new DatabaseSizeSample { DatabaseId = database.Id, At = at!.Value, Bytes = input.Bytes!.Value });
        await db.SaveChangesAsync(ct);
        return new SizePoint(at.Value, input.Bytes.Value);
    }

    public async Task<SizeHistory> SizeHistoryAsync(string slug, int days = 365, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var database = await db.Databases.AsNoTracking().Where(d => d.SlugKey == key).Select(d => new { d.Id, d.CapacityBytes }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Database '{slug}'");
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Clamp(days, 1, 3660));
        var samples = await db.DatabaseSizeSamples.AsNoTracking().Where(s => s.DatabaseId == database.Id && s.At >= since)
            .OrderBy(s => s.At).Select(s => new SizePoint(s.At, s.Bytes)).ToListAsync(ct);
        return new SizeHistory(samples, database.CapacityBytes, Forecast(samples, database.CapacityBytes));
    }

    /// <summary>The forecast fits the samples of the last <see cref="ForecastWindowDays"/> days before the latest one.</summary>
    public static CapacityForecast Forecast(IReadOnlyList<SizePoint> samples, long? capacityBytes)
    {
        if (samples.Count == 0)
        {
            return CapacityForecast.From(samples, capacityBytes);
        }
        var from = samples[^1].At.AddDays(-ForecastWindowDays);
        return CapacityForecast.From([.. samples.Where(s => s.At >= from)], capacityBytes);
    }

    // ---- slow queries ----------------------------------------------------------------------------

    public async Task<SlowQueryReportResult> RecordSlowQueriesAsync(
        Actor actor, string slug, IReadOnlyList<SlowQueryInput>? queries, DateTime? reportedAt, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var database = await ForIngestAsync(db, actor, slug, ct);
        var errors = new ValidationErrors();
        var at = CheckTime(errors, "at", reportedAt, required: false);
        if (queries is null || queries.Count == 0)
        {
            errors.Add("queries", "Send a non-empty JSON array of { query, calls, meanMs, p95Ms, rows }.");
        }
        else if (queries.Count > MaxSlowQueriesPerReport)
        {
            errors.Add("queries", $"A report may hold at most {MaxSlowQueriesPerReport} statements; send the top ones by total time.");
        }
        else
        {
            for (var i = 0; i < queries.Count; i++)
            {
                var q = queries[i];
                var field = $"[{i}]";
                if (q is null)
                {
                    errors.Add(field, $"{field} is empty.");
                    continue;
                }
                if (string.IsNullOrWhiteSpace(q.Query))
                {
                    errors.Add($"{field}.query", $"{field}.query is required: the statement's text.");
                }
                else if (q.Query.Length > MaxQueryLength)
                {
                    errors.Add($"{field}.query", $"{field}.query must be at most {MaxQueryLength} characters.");
                }
                if (q.Calls is null or < 1)
                {
                    errors.Add($"{field}.calls", $"{field}.calls is required and must be at least 1.");
                }
                if (q.MeanMs is null || !double.IsFinite(q.MeanMs.Value) || q.MeanMs < 0)
                {
                    errors.Add($"{field}.meanMs", $"{field}.meanMs is required and must be a non-negative number of milliseconds.");
                }
                if (q.P95Ms is { } p95 && (!double.IsFinite(p95) || p95 < 0))
                {
                    errors.Add($"{field}.p95Ms", $"{field}.p95Ms must be a non-negative number of milliseconds.");
                }
                if (q.Rows is < 0)
                {
                    errors.Add($"{field}.rows", $"{field}.rows must not be negative.");
                }
            }
        }
        errors.ThrowIfAny();

        // Statements that differ only in literals are one statement: merge them within the report.
        var merged = queries!
            .Select(q => (Normalized: SqlNormalizer.Normalize(q.Query!), q))
            .GroupBy(x => x.Normalized, StringComparer.Ordinal)
            .Select(g =>
            {
                var calls = g.Sum(x => x.q.Calls!.Value);
                return new SlowQuerySample
                {
                    DatabaseId = database.Id,
                    Fingerprint = SqlNormalizer.Fingerprint(g.Key),
                    NormalizedQuery = g.Key.Length > 8000 ? g.Key[..8000] : g.Key,
                    ReportedAt = at!.Value,
                    Calls = calls,
                    MeanMs = g.Sum(x => x.q.Calls!.Value * x.q.MeanMs!.Value) / calls,
                    P95Ms = g.Max(x => x.q.P95Ms),
                    Rows = g.Any(x => x.q.Rows is not null) ? g.Sum(x => x.q.Rows ?? 0) : null,
                };
            })
            .ToList();
        db.SlowQuerySamples.AddRange(merged);
        await db.SaveChangesAsync(ct);
        return new SlowQueryReportResult(queries!.Count, merged.Count, at!.Value);
    }

    /// <summary>The statements with the most total time (calls × mean) over the last <paramref name="days"/> days, with their trend.</summary>
    public async Task<IReadOnlyList<SlowQueryOffender>> TopOffendersAsync(string slug, int days = 30, int top = 10, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var databaseId = await DatabaseIdAsync(db, slug, ct);
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Clamp(days, 1, 366));
        var samples = await db.SlowQuerySamples.AsNoTracking().Where(s => s.DatabaseId == databaseId && s.ReportedAt >= since)
            .OrderBy(s => s.ReportedAt).ToListAsync(ct);
        return Rank(samples, top);
    }

    public static IReadOnlyList<SlowQueryOffender> Rank(IEnumerable<SlowQuerySample> samples, int top) =>
        samples.GroupBy(s => s.Fingerprint)
            .Select(g =>
            {
                var points = g.OrderBy(s => s.ReportedAt).ToList();
                var latest = points[^1];
                return new SlowQueryOffender(
                    g.Key, latest.NormalizedQuery, points.Sum(p => p.Calls), points.Sum(p => p.Calls * p.MeanMs),
                    latest.MeanMs, latest.P95Ms, latest.Rows, Trend(points),
                    [.. points.Select(p => new SlowQueryTrendPoint(p.ReportedAt, p.Calls, p.MeanMs, p.P95Ms))]);
            })
            .OrderByDescending(o => o.TotalMs)
            .ThenBy(o => o.Fingerprint, StringComparer.Ordinal)
            .Take(Math.Clamp(top, 1, 100))
            .ToList();

    /// <summary>How the mean moved from the first report in the window to the latest: more than 20% either way counts.</summary>
    public static string Trend(IReadOnlyList<SlowQuerySample> points)
    {
        if (points.Count < 2)
        {
            return "new";
        }
        var first = points[0].MeanMs;
        var last = points[^1].MeanMs;
        if (first <= 0)
        {
            return last > 0 ? "rising" : "steady";
        }
        var change = (last - first) / first;
        return change > 0.2 ? "rising" : change < -0.2 ? "falling" : "steady";
    }

    // ---- backups ---------------------------------------------------------------------------------

    public async Task<BackupRecord> RecordBackupAsync(Actor actor, string slug, BackupInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var database = await ForIngestAsync(db, actor, slug, ct);
        var errors = new ValidationErrors();
        var at = CheckTime(errors, "at", input.At, required: false);
        if (input.Verified is null)
        {
            errors.Add("verified", "verified is required: true when a restore test proved the backup usable, false otherwise.");
        }
        if (input.SizeBytes is < 0 or > DatabaseCatalogService.MaxCapacityBytes)
        {
            errors.Add("sizeBytes", "sizeBytes must be a size between 0 and 2^60 (1 EiB).");
        }
        errors.ThrowIfAny();
        db.DatabaseBackups.Add(new DatabaseBackup { DatabaseId = database.Id, At = at!.Value, Verified = input.Verified!.Value, SizeBytes = input.SizeBytes });
        await db.SaveChangesAsync(ct);
        return new BackupRecord(at.Value, input.Verified.Value, input.SizeBytes);
    }

    public async Task<BackupStatus> BackupStatusAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var database = await db.Databases.AsNoTracking().Where(d => d.SlugKey == key)
            .Select(d => new { d.Id, Policy = new BackupPolicy(d.BackupFrequencyHours, d.RpoMinutes, d.RtoMinutes) }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Database '{slug}'");
        var recent = await db.DatabaseBackups.AsNoTracking().Where(b => b.DatabaseId == database.Id).OrderByDescending(b => b.At).Take(20)
            .Select(b => new BackupRecord(b.At, b.Verified, b.SizeBytes)).ToListAsync(ct);
        var lastVerified = await db.DatabaseBackups.AsNoTracking().Where(b => b.DatabaseId == database.Id && b.Verified).MaxAsync(b => (DateTime?)b.At, ct);
        return new BackupStatus(database.Policy, lastVerified, recent, BackupRule.Check(database.Policy, lastVerified, clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>Every database whose last verified backup is older than its policy allows, most overdue first.</summary>
    public async Task<IReadOnlyList<OverdueBackup>> OverdueBackupsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Databases.AsNoTracking().Where(d => d.BackupFrequencyHours != null)
            .Select(d => new
            {
                d.Slug,
                d.Name,
                Owner = d.OwnerTeam.Slug,
                d.Environment,
                Policy = new BackupPolicy(d.BackupFrequencyHours, d.RpoMinutes, d.RtoMinutes),
                Last = db.DatabaseBackups.Where(b => b.DatabaseId == d.Id && b.Verified).Max(b => (DateTime?)b.At),
            })
            .ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return
        [
            .. rows
                .Select(r => (r, Warning: BackupRule.Check(r.Policy, r.Last, now)))
                .Where(x => x.Warning is not null)
                .OrderBy(x => x.r.Last ?? DateTime.MinValue)
                .Select(x => new OverdueBackup(x.r.Slug, x.r.Name, x.r.Owner, EnvironmentNames.ToApi(x.r.Environment), x.Warning!)),
        ];
    }
}
