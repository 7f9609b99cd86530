using System.Data;
using System.Data.Common;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Live;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Quality;

public sealed record TestRunInput(string? Suite, string? Commit, string? Branch, string? BuildUrl);

public sealed record TestRunCreated(long Id, int Total, int Passed, int Failed, int Errors, int Skipped, long DurationMs);

/// <summary>What the API answers: the run, and whether it is a replay of an earlier request with the same key.</summary>
public sealed record IngestResult(int StatusCode, string Json, string? Location, bool Replayed);

/// <summary>
/// Stores a posted run. The whole upload is already spooled (size checked); parsing streams case
/// by case straight into INSERTs inside one short transaction, so a 100,000-case file never exists
/// as 100,000 objects and a refused file leaves nothing behind.
/// </summary>
public sealed class TestRunIngestService(
    IDbContextFactory<AppDbContext> dbs,
    IdempotencyKeys idempotency,
    FlakyTestService flaky,
    SqliteWriteGate writes,
    TimeProvider clock,
    IOptions<QualityOptions> options,
    ILiveEvents live,
    ILogger<TestRunIngestService> log)
{
    public const string DefaultSuite = "default";

    public static readonly HashSet<string> FormFieldNames = new(StringComparer.OrdinalIgnoreCase) { "suite", "commit", "branch", "buildUrl" };

    public static TestRunInput Validate(TestRunInput input)
    {
        var errors = new ValidationErrors();
        var suite = string.IsNullOrWhiteSpace(input.Suite) ? DefaultSuite : input.Suite.Trim();
        if (suite.Length > QualityLimits.SuiteLength || suite.Any(char.IsControl))
        {
            errors.Add("suite", $"suite must be at most {QualityLimits.SuiteLength} characters without control characters.");
        }
        var commit = Blank(input.Commit);
        if (commit is not null && (commit.Length > QualityLimits.CommitLength || commit.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            errors.Add("commit", $"commit must be a revision id of at most {QualityLimits.CommitLength} characters without spaces.");
        }
        var branch = Blank(input.Branch);
        if (branch is not null && (branch.Length > QualityLimits.BranchLength || branch.Any(char.IsControl)))
        {
            errors.Add("branch", $"branch must be at most {QualityLimits.BranchLength} characters.");
        }
        var url = Blank(input.BuildUrl);
        if (url is not null && (url.Length > QualityLimits.UrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add("buildUrl", "buildUrl must be an absolute http or https URL.");
        }
        errors.ThrowIfAny();
        return new TestRunInput(suite, commit, branch, url);
    }

    private static readonly Func<AppDbContext, string, CancellationToken, Task<int>> ServiceIdByKey =
        EF.CompileAsyncQuery((AppDbContext db, string key, CancellationToken ct) =>
            db.Services.Where(s => s.SlugKey == key).Select(s => s.Id).FirstOrDefault());

    /// <summary>Uploads up to this size are parsed before the write transaction (outside the write gate); larger ones stream into it.</summary>
    private const long ParseFirstBytes = 256 * 1024;

    /// <summary>What the Idempotency-Key asks of the store: write this key's row with the run, after deleting a stale one.</summary>
    private sealed record KeyToWrite(string Scope, string Key, string Fingerprint, long? StaleId);

    /// <summary>The cases of a small upload, parsed before the transaction.</summary>
    private sealed record Parsed(List<ParsedCase> Cases, int[] Counts, string Format, double DurationMs);

    public async Task<IngestResult> IngestAsync(Actor actor, string slug, TestRunInput input, UploadSpool upload, string? idempotencyKey, CancellationToken ct)
    {
        QualityAccess.RequireIngester(actor);
        input = Validate(input);
        int serviceId;
        KeyToWrite? keyToWrite = null;
        var key = Slug.Key(slug);
        // One context for the whole request: making a context (its internal services, every DbSet) costs more than a small query.
        await using var db = await dbs.CreateDbContextAsync(ct);
        serviceId = await ServiceIdByKey(db, key, ct);
        if (serviceId == 0)
        {
            throw new NotFoundException($"Service '{slug}'");
        }
        if (idempotencyKey is not null)
        {
            var fingerprint = Fingerprint(input, upload);
            var scope = IdempotencyKeys.Scope(actor.UserId, $"POST /api/v1/services/{key}/test-runs");
            long? stale = null;
            // A retry usually finds its key already there: the common replay is one read and no write.
            if (await IdempotencyKeys.FindAsync(db, scope, idempotencyKey, ct) is { } existing)
            {
                if (idempotency.Judge(existing, fingerprint) is { } replay)
                {
                    return new IngestResult(replay.StatusCode, replay.ResponseJson!, replay.Location, true);
                }
                stale = existing.Id;
            }
            keyToWrite = new KeyToWrite(scope, idempotencyKey, fingerprint, stale);
        }

        using var inFlight = keyToWrite is null ? null : idempotency.Enter(keyToWrite.Scope, keyToWrite.Key, keyToWrite.Fingerprint);
        // Small uploads are parsed here, in parallel with other requests; only the inserts wait for the write gate.
        var parsed = upload.TotalBytes <= ParseFirstBytes ? ParseAll(upload, input.Suite!) : null;
        TestRunCreated created;
        string json;
        string location;
        bool needsJudging;
        try
        {
            (created, json, location, needsJudging) = await StoreAsync(db, actor, slug, serviceId, input, upload, parsed, keyToWrite, ct);
        }
        catch (DbUpdateException) when (keyToWrite is not null)
        {
            // Another instance stored a run with this key first; ours was rolled back. Answer as it would.
            db.ChangeTracker.Clear();
            var winner = await IdempotencyKeys.FindAsync(db, keyToWrite.Scope, keyToWrite.Key, ct);
            if (winner is null || idempotency.Judge(winner, keyToWrite.Fingerprint) is not { } replay)
            {
                throw;
            }
            return new IngestResult(replay.StatusCode, replay.ResponseJson!, replay.Location, true);
        }
        live.Publish(new TestRunRecorded(slug, created.Id, input.Suite!, created.Failed + created.Errors > 0));

        try
        {
            await flaky.EvaluateAfterRunAsync(db, serviceId, input.Suite!, needsJudging, ct);
            if (Random.Shared.Next(200) == 0)
            {
                await idempotency.PurgeExpiredAsync(ct);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The run is stored; flakiness is recomputed by the next run of the suite.
            log.LogWarning(ex, "Flaky evaluation after run {RunId} failed", created.Id);
        }
        return new IngestResult(StatusCodes.Status201Created, json, location, false);
    }

    public static string Fingerprint(TestRunInput input, UploadSpool upload) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"{input.Suite}\n{input.Commit}\n{input.Branch}\n{input.BuildUrl}\n{upload.ContentHash()}")));

    private Parsed ParseAll(UploadSpool upload, string suite)
    {
        var cases = new List<ParsedCase>();
        var repeats = new RepeatedCases();
        Dictionary<long, int>? index = null;
        var (format, duration) = ParseFiles(upload, c =>
        {
            var key = RepeatedCases.Key(suite, c);
            if (repeats.Add(key, c) is { } merged)
            {
                // Rare: only repeats pay for the lookup of where the first one is.
                index ??= Enumerable.Range(0, cases.Count).ToDictionary(i => RepeatedCases.Key(suite, cases[i]), i => i);
                cases[index[key]] = RepeatedCases.Merge(cases[index[key]], c, merged);
                return;
            }
            index?.Add(key, cases.Count);
            cases.Add(c);
        });
        return new Parsed(cases, repeats.Counts, format, duration);
    }

    private (string Format, double DurationMs) ParseFiles(UploadSpool upload, Action<ParsedCase> sink)
    {
        var formats = new SortedSet<string>(StringComparer.Ordinal);
        double duration = 0;
        var maxDepth = options.Value.MaxXmlDepth;
        foreach (var file in upload.Files)
        {
            var result = TestReportParser.Parse(file.Open, sink, maxDepth,
                upload.Files.Count > 1 ? file.Name ?? $"file {formats.Count + 1}" : file.Name);
            formats.Add(result.Format);
            duration += result.DurationMs;
        }
        return (string.Join("+", formats), duration);
    }

    /// <summary>
    /// One write transaction: the run, its cases and the Idempotency-Key's row with the response. A refused file,
    /// a failure or a key another instance wrote first rolls it all back, so nothing of it is stored.
    /// </summary>
    private async Task<(TestRunCreated, string, string, bool)> StoreAsync(
        AppDbContext db, Actor actor, string slug, int serviceId, TestRunInput input, UploadSpool upload, Parsed? parsed, KeyToWrite? keyToWrite, CancellationToken ct)
    {
        using var gate = await writes.EnterAsync(db.Database, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = new TestRun
        {
            ServiceId = serviceId,
            Suite = input.Suite!,
            Commit = input.Commit,
            Branch = input.Branch,
            BuildUrl = input.BuildUrl,
            FileCount = upload.Files.Count,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor.Name,
        };
        if (parsed is not null)
        {
            SetCounts(run, parsed.Counts, parsed.Format, parsed.DurationMs);
        }
        db.Add(run);
        await db.SaveChangesAsync(ct);

        var rerun = false;
        using (var rows = new ResultRows(db, tx, run.Id, serviceId, run.Suite))
        {
            if (parsed is not null)
            {
                foreach (var c in parsed.Cases)
                {
                    rerun |= c.FlakyInRun;
                    rows.Add(c);
                }
            }
            else
            {
                var (format, duration) = ParseFiles(upload, rows.Add);
                rows.Flush();
                rerun |= rows.Repeats.AnyFlaky;
                SetCounts(run, rows.Repeats.Counts, format, duration);
            }
            rows.Flush();
        }

        var created = new TestRunCreated(run.Id, run.Total, run.Passed, run.Failed, run.Errors, run.Skipped, run.DurationMs);
        var json = JsonSerializer.Serialize(created, JsonSerializerOptions.Web);
        var location = $"/api/v1/services/{slug}/test-runs/{run.Id}";
        if (keyToWrite is not null)
        {
            if (keyToWrite.StaleId is { } staleId)
            {
                await db.Set<IdempotencyRecord>().Where(k => k.Id == staleId).ExecuteDeleteAsync(ct);
            }
            db.Add(idempotency.CompletedRecord(keyToWrite.Scope, keyToWrite.Key, keyToWrite.Fingerprint, StatusCodes.Status201Created, json, location));
        }
        // One statement batch: the key's row, and for a streamed upload the run's counts (nothing when neither).
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (created, json, location, rerun || run.Failed + run.Errors > 0);
    }

    private static void SetCounts(TestRun run, int[] counts, string format, double durationMs)
    {
        run.Format = format;
        run.Passed = counts[(int)TestOutcome.Passed];
        run.Failed = counts[(int)TestOutcome.Failed];
        run.Errors = counts[(int)TestOutcome.Error];
        run.Skipped = counts[(int)TestOutcome.Skipped];
        run.Total = counts.Sum();
        run.DurationMs = (long)Math.Round(durationMs);
    }

    /// <summary>
    /// Inserts cases in multi-row INSERTs of up to <see cref="BatchSize"/> rows (one round trip per batch on SQL
    /// Server, fewer statements on SQLite), reusing one prepared command for full batches. At most one batch of
    /// parsed cases is held, so a 100,000-case file still never exists as 100,000 objects.
    /// </summary>
    private sealed class ResultRows(AppDbContext db, IDbContextTransaction tx, long runId, int serviceId, string suite) : IDisposable
    {
        /// <summary>10 parameters a row: 100 rows stay well under SQL Server's 2,100-parameter limit.</summary>
        public const int BatchSize = 100;

        private const int Columns = 8;
        private readonly List<ParsedCase> pending = new(BatchSize);
        private DbCommand? full;
        private DbCommand? repeat;

        /// <summary>Each test once: a repeat updates the row of its first occurrence (see <see cref="RepeatedCases"/>).</summary>
        public RepeatedCases Repeats { get; } = new();

        public void Add(ParsedCase c)
        {
            if (Repeats.Add(RepeatedCases.Key(suite, c), c) is { } merged)
            {
                var i = pending.FindIndex(p => p.ClassName == c.ClassName && p.Name == c.Name && p.Host == c.Host);
                if (i >= 0)
                {
                    pending[i] = RepeatedCases.Merge(pending[i], c, merged);
                }
                else
                {
                    Update(TestIdentity.Key(suite, c.ClassName, c.Name), c, merged);
                }
                return;
            }
            pending.Add(c);
            if (pending.Count == BatchSize)
            {
                Flush();
            }
        }

        public void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }
            if (pending.Count == BatchSize)
            {
                full ??= Command(BatchSize);
                Execute(full);
            }
            else
            {
                using var partial = Command(pending.Count);
                Execute(partial);
            }
            pending.Clear();
        }

        private void Execute(DbCommand command)
        {
            var p = command.Parameters;
            for (var i = 0; i < pending.Count; i++)
            {
                var c = pending[i];
                var o = 2 + i * Columns;
                p[o].Value = TestIdentity.Key(suite, c.ClassName, c.Name);
                p[o + 1].Value = c.ClassName;
                p[o + 2].Value = c.Name;
                p[o + 3].Value = (byte)c.Outcome;
                p[o + 4].Value = Math.Round(c.DurationMs, 3);
                p[o + 5].Value = c.FlakyInRun;
                p[o + 6].Value = (object?)c.Message ?? DBNull.Value;
                p[o + 7].Value = (object?)c.Details ?? DBNull.Value;
            }
            command.ExecuteNonQuery();
        }

        private void Update(long key, ParsedCase c, (TestOutcome Outcome, bool Flaky) merged)
        {
            if (repeat is null)
            {
                repeat = db.Database.GetDbConnection().CreateCommand();
                repeat.Transaction = tx.GetDbTransaction();
                repeat.CommandText = "UPDATE TestResults SET Outcome = @o, FlakyInRun = @f, DurationMs = DurationMs + @d, "
                    + "Message = COALESCE(Message, @m), Details = COALESCE(Details, @x) WHERE RunId = @run AND TestKey = @k";
                Add(repeat, "@run", DbType.Int64).Value = runId;
                Add(repeat, "@k", DbType.Int64);
                Add(repeat, "@o", DbType.Byte);
                Add(repeat, "@f", DbType.Boolean);
                Add(repeat, "@d", DbType.Double);
                Add(repeat, "@m", DbType.String);
                Add(repeat, "@x", DbType.String);
            }
            var p = repeat.Parameters;
            p[1].Value = key;
            p[2].Value = (byte)merged.Outcome;
            p[3].Value = merged.Flaky;
            p[4].Value = Math.Round(c.DurationMs, 3);
            p[5].Value = (object?)c.Message ?? DBNull.Value;
            p[6].Value = (object?)c.Details ?? DBNull.Value;
            repeat.ExecuteNonQuery();
        }

        private DbCommand Command(int rows)
        {
            var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = tx.GetDbTransaction();
            var sql = new System.Text.StringBuilder(
                "INSERT INTO TestResults (RunId, ServiceId, TestKey, ClassName, Name, Outcome, DurationMs, FlakyInRun, Message, Details) VALUES ");
            Add(command, "@run", DbType.Int64).Value = runId;
            Add(command, "@service", DbType.Int32).Value = serviceId;
            for (var i = 0; i < rows; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"(@run, @service, @k{i}, @c{i}, @n{i}, @o{i}, @d{i}, @f{i}, @m{i}, @x{i})");
                Add(command, $"@k{i}", DbType.Int64);
                Add(command, $"@c{i}", DbType.String);
                Add(command, $"@n{i}", DbType.String);
                Add(command, $"@o{i}", DbType.Byte);
                Add(command, $"@d{i}", DbType.Double);
                Add(command, $"@f{i}", DbType.Boolean);
                Add(command, $"@m{i}", DbType.String);
                Add(command, $"@x{i}", DbType.String);
            }
            command.CommandText = sql.ToString();
            return command;
        }

        private static DbParameter Add(DbCommand command, string name, DbType type)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            command.Parameters.Add(parameter);
            return parameter;
        }

        public void Dispose()
        {
            full?.Dispose();
            repeat?.Dispose();
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
