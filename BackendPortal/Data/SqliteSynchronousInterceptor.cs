using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackendPortal.Data;

/// <summary>
/// Every SQLite connection runs with synchronous=NORMAL, SQLite's advice for WAL mode: a commit no longer waits for
/// an fsync of the WAL (the checkpoint does). An application crash loses nothing; a power cut may lose the last
/// commits, which the writers here survive (a client's retry with its Idempotency-Key stores a run again, the next
/// probe writes a health result again). One policy for every connection: the pragma lives on the pooled physical
/// connection, so setting it for a few writers only would leave the rest depending on which connection they got.
/// </summary>
public sealed class SqliteSynchronousInterceptor : DbConnectionInterceptor
{
    public static readonly SqliteSynchronousInterceptor Instance = new();

    /// <summary>Pooled connections keep their pragmas: each physical connection is told once, not on every open.</summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> tuned = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (Untuned(connection) is { } sqlite)
        {
            using var command = Pragma(sqlite);
            command.ExecuteNonQuery();
            tuned.AddOrUpdate(sqlite.Handle!, this);
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Untuned(connection) is { } sqlite)
        {
            await using var command = Pragma(sqlite);
            await command.ExecuteNonQueryAsync(cancellationToken);
            tuned.AddOrUpdate(sqlite.Handle!, this);
        }
    }

    private SqliteConnection? Untuned(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } sqlite && !tuned.TryGetValue(handle, out _) ? sqlite : null;

    private static SqliteCommand Pragma(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        return command;
    }
}
