using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BackendPortal.Features.Quality;

/// <summary>
/// SQLite has one writer. When many requests write at once, the losers get SQLITE_BUSY and
/// Microsoft.Data.Sqlite retries by sleeping a thread, which under load starves the thread pool.
/// Queuing this process's ingestion writes here (awaiting, no thread held) turns that into an
/// orderly line. It orders work only; correctness stays with the database (the unique
/// Idempotency-Key row, transactions), so other processes on the same file and SQL Server need no gate.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async ValueTask<Releaser> EnterAsync(DatabaseFacade database, CancellationToken ct = default)
    {
        if (!database.IsSqlite())
        {
            return default;
        }
        await gate.WaitAsync(ct);
        return new Releaser(gate);
    }

    public readonly struct Releaser(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
