using System.Security.Cryptography;
using System.Text;
using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Quality;

public sealed class IdempotencyKeyMismatchException() : PortalException(
    "This Idempotency-Key was already used with a different request body. Use a new key for a new request.")
{
    public override int StatusCode => StatusCodes.Status422UnprocessableEntity;
    public override string Title => "Idempotency-Key reused with a different body.";
}

public sealed class IdempotencyKeyInFlightException() : PortalException(
    "A request with this Idempotency-Key is still being processed. Retry after it finishes to get its response.")
{
    public override int StatusCode => StatusCodes.Status409Conflict;
    public override string Title => "A request with this Idempotency-Key is in progress.";
}

/// <summary>The outcome of claiming a key: either this request owns it, or an earlier response is replayed.</summary>
public sealed record IdempotencyClaim(long? RecordId, int StatusCode, string? ResponseJson, string? Location)
{
    public bool IsReplay => RecordId is null;
}

/// <summary>
/// Idempotency-Key after draft-ietf-httpapi-idempotency-key-header: a unique (scope, key) row, written in the
/// same transaction as the work, so two instances sharing the database cannot both do it (the loser's insert
/// fails, its work is rolled back and it replays the winner's response). Within an instance a key being
/// processed is held in memory, which answers 409 to a concurrent request without a database write.
/// <see cref="ClaimAsync(string, string, string, CancellationToken)"/> writes an unfinished row up front, for
/// work that cannot share a transaction with its key.
/// Same key and fingerprint: the stored response is replayed; another fingerprint: 422; still in flight: 409.
/// </summary>
public sealed class IdempotencyKeys(IDbContextFactory<AppDbContext> dbs, TimeProvider clock, IOptions<QualityOptions> options, SqliteWriteGate writes)
{
    public const int MaxKeyLength = 255;
    public const string Header = "Idempotency-Key";

    /// <summary>A claim not completed in this time belongs to a request that died; the key may be taken again.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    /// <summary>The key from the header: the draft makes it a structured-field string ("..."), bare tokens are accepted too.</summary>
    public static string? ReadKey(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(Header, out var values))
        {
            return null;
        }
        if (values.Count != 1)
        {
            throw Invalid("Send one Idempotency-Key header.");
        }
        var key = values[0]!.Trim();
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"')
        {
            key = key[1..^1];
        }
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c < 0x20 || c > 0x7e))
        {
            throw Invalid($"Idempotency-Key must be 1 to {MaxKeyLength} printable ASCII characters, for example a UUID.");
        }
        return key;
    }

    private static ValidationFailedException Invalid(string message) =>
        new(new Dictionary<string, string[]> { [Header] = [message] });

    public static string Scope(string userId, string operation) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(userId + "\n" + operation)));

    public async Task<IdempotencyClaim> ClaimAsync(string scope, string key, string fingerprint, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await ClaimAsync(db, scope, key, fingerprint, ct);
    }

    /// <summary>Claims the key with the caller's context (one context per request instead of two); leaves its change tracker empty.</summary>
    public async Task<IdempotencyClaim> ClaimAsync(AppDbContext db, string scope, string key, string fingerprint, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            db.ChangeTracker.Clear();
            // A retry usually finds its key already there: look before inserting, so the common replay is one read.
            var existing = await Find(db, scope, key, ct);
            if (existing is null)
            {
                var record = new IdempotencyRecord
                {
                    Scope = scope,
                    Key = key,
                    Fingerprint = fingerprint,
                    CreatedAt = now,
                    ExpiresAt = now.AddHours(Math.Max(24, options.Value.IdempotencyKeyHours)),
                };
                db.Add(record);
                try
                {
                    using (await writes.EnterAsync(db.Database, ct))
                    {
                        await db.SaveChangesAsync(ct);
                    }
                    db.ChangeTracker.Clear();
                    return new IdempotencyClaim(record.Id, 0, null, null);
                }
                catch (DbUpdateException)
                {
                    // Someone claimed it between the look and the insert: read theirs.
                    db.ChangeTracker.Clear();
                }
                existing = await Find(db, scope, key, ct);
                if (existing is null)
                {
                    continue;
                }
            }
            var stale = existing.ExpiresAt <= now || (!existing.Completed && existing.CreatedAt <= now - AbandonedAfter);
            if (stale)
            {
                using (await writes.EnterAsync(db.Database, ct))
                {
                    await db.Set<IdempotencyRecord>().Where(k => k.Id == existing.Id).ExecuteDeleteAsync(ct);
                }
                continue;
            }
            if (!string.Equals(existing.Fingerprint, fingerprint, StringComparison.Ordinal))
            {
                throw new IdempotencyKeyMismatchException();
            }
            if (!existing.Completed)
            {
                throw new IdempotencyKeyInFlightException();
            }
            return new IdempotencyClaim(null, existing.StatusCode, existing.ResponseJson, existing.Location);
        }
        throw new IdempotencyKeyInFlightException();
    }

    private static Task<IdempotencyRecord?> Find(AppDbContext db, string scope, string key, CancellationToken ct) => FindCompiled(db, scope, key, ct);

    private static readonly Func<AppDbContext, string, string, CancellationToken, Task<IdempotencyRecord?>> FindCompiled =
        EF.CompileAsyncQuery((AppDbContext db, string scope, string key, CancellationToken ct) =>
            db.Set<IdempotencyRecord>().AsNoTracking().FirstOrDefault(k => k.Scope == scope && k.Key == key));

    /// <summary>The stored row for the key, if any (no tracking).</summary>
    public static Task<IdempotencyRecord?> FindAsync(AppDbContext db, string scope, string key, CancellationToken ct) => FindCompiled(db, scope, key, ct);

    /// <summary>
    /// What an existing row means for a request with <paramref name="fingerprint"/>: a replay of its stored response,
    /// 422 for another body, 409 while its request is still in progress elsewhere, or null when the row is stale
    /// (expired, or claimed and abandoned) and the key may be taken again.
    /// </summary>
    public IdempotencyClaim? Judge(IdempotencyRecord existing, string fingerprint)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (existing.ExpiresAt <= now || (!existing.Completed && existing.CreatedAt <= now - AbandonedAfter))
        {
            return null;
        }
        if (!string.Equals(existing.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            throw new IdempotencyKeyMismatchException();
        }
        if (!existing.Completed)
        {
            throw new IdempotencyKeyInFlightException();
        }
        return new IdempotencyClaim(null, existing.StatusCode, existing.ResponseJson, existing.Location);
    }

    /// <summary>A new row for a key whose work is done: written in the same transaction as that work.</summary>
    public IdempotencyRecord CompletedRecord(string scope, string key, string fingerprint, int status, string json, string? location)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new IdempotencyRecord
        {
            Scope = scope,
            Key = key,
            Fingerprint = fingerprint,
            Completed = true,
            StatusCode = status,
            ResponseJson = json,
            Location = location,
            CreatedAt = now,
            ExpiresAt = now.AddHours(Math.Max(24, options.Value.IdempotencyKeyHours)),
        };
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Scope, string Key), string> inFlight = new();

    /// <summary>
    /// Marks the key as being processed by this instance until the returned handle is disposed: a second request
    /// with it meanwhile gets 409 (or 422 for another body) at once. The key's database row is written only with
    /// the finished work, so the unique (scope, key) row still decides between instances.
    /// </summary>
    public InFlightKey Enter(string scope, string key, string fingerprint)
    {
        if (!inFlight.TryAdd((scope, key), fingerprint))
        {
            if (inFlight.TryGetValue((scope, key), out var other) && !string.Equals(other, fingerprint, StringComparison.Ordinal))
            {
                throw new IdempotencyKeyMismatchException();
            }
            throw new IdempotencyKeyInFlightException();
        }
        return new InFlightKey(inFlight, (scope, key));
    }

    public sealed class InFlightKey(System.Collections.Concurrent.ConcurrentDictionary<(string Scope, string Key), string> map, (string, string) id) : IDisposable
    {
        public void Dispose() => map.TryRemove(id, out _);
    }

    /// <summary>Drops keys past their retention; called now and then by ingestion, cheap on the ExpiresAt index.</summary>
    public async Task PurgeExpiredAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(ct);
        using (await writes.EnterAsync(db.Database, ct))
        {
            await db.Set<IdempotencyRecord>().Where(k => k.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        }
    }
}
