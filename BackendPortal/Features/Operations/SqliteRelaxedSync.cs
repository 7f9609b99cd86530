using System.Runtime.CompilerServices;
using BackendPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Operations;

/// <summary>
/// The prober writes a few times a second; with SQLite's default synchronous=FULL every one of those commits
/// waited for an fsync of the WAL. synchronous=NORMAL is SQLite's advice for WAL mode (the ingestion writes use
/// it too, SqliteWriteGate): an application crash loses nothing, a power cut may lose the last commits, which for
/// probe results means the next probe writes them again. Pooled connections keep the pragma, so each physical
/// connection is told once.
/// </summary>
public static class SqliteRelaxedSync
{
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Tuned = new();
    private static readonly object Marker = new();

    public static async Task ApplyAsync(AppDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
        {
            return;
        }
        await db.Database.OpenConnectionAsync(ct);
        var handle = (db.Database.GetDbConnection() as SqliteConnection)?.Handle;
        if (handle is not null && Tuned.TryGetValue(handle, out _))
        {
            return;
        }
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
        if (handle is not null)
        {
            Tuned.AddOrUpdate(handle, Marker);
        }
    }
}
