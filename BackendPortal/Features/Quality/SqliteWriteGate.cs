using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BackendPortal.Features.Quality;

/// <summary>
/// SQLite has one writer. When many requests write at once, the losers get SQLITE_BUSY and
/// Microsoft.Data.Sqlite retries by sleeping a thread, which under load starves the thread pool.
/// Queuing this process's ingestion writes here (awaiting, no thread held) turns that into an
/// orderly line. It orders work only; correctness stays with the database (the unique
/// Idempotency-Key row, transactions), so other processes on the same file and SQL Server need no gate.
/// Ingestion writes also run with synchronous=NORMAL, SQLite's advice for WAL mode: a commit no longer
/// waits for an fsync (the checkpoint does), which is what made each run cost tens of milliseconds of
/// disk wait; an application crash loses nothing, a power cut may lose the last commits, and the
/// client's retry with the same Idempotency-Key then stores the run again.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Pooled connections keep their pragmas: each physical connection is told once, not on every write.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> tuned = new();

    public async ValueTask<Releaser> EnterAsync(DatabaseFacade database, CancellationToken ct = default)
    {
        if (!database.IsSqlite())
        {
            return default;
        }
        await gate.WaitAsync(ct);
        try
        {
            await database.OpenConnectionAsync(ct);
            var handle = (database.GetDbConnection() as Microsoft.Data.Sqlite.SqliteConnection)?.Handle;
            if (handle is null || !tuned.TryGetValue(handle, out _))
            {
                await database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
                if (handle is not null)
                {
                    tuned.AddOrUpdate(handle, gate);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
        return new Releaser(gate);
    }

    public readonly struct Releaser(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
