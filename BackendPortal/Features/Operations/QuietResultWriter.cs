using System.Data;
using System.Data.Common;
using System.Text;
using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BackendPortal.Features.Operations;

/// <summary>
/// Records probes that change nothing but their check's last result and schedule: a success whose status is the one
/// the check had when it was claimed, which is nearly every probe of a healthy fleet. Per batch that is one UPDATE a
/// check and one multi-row INSERT, in one transaction, with no query first and nothing tracked: EF's change tracking,
/// SaveChanges pipeline and interceptors were most of the prober's CPU. Each UPDATE repeats the claim-time status in
/// its WHERE, so a check whose status changed meanwhile (or that was deleted) matches no row; then nothing is written
/// and the caller records the batch the tracked way, flips, incidents and events included. Plain SQL both providers run.
/// </summary>
public static class QuietResultWriter
{
    /// <summary>Rows per command: 8 parameters an UPDATE and 5 a result row stay under SQL Server's 2,100.</summary>
    private const int Chunk = 100;

    public static bool IsQuiet(ProbeResult result) =>
        result.Outcome.Success
        && result.Claim.IntervalSeconds > 0
        && result.Outcome.StatusFor(result.Claim.Probe.DegradedAboveMs) == result.Claim.Status;

    /// <summary>Writes every result or none; false when some check no longer has the status its claim saw.</summary>
    public static Task<bool> TryWriteAsync(AppDbContext db, IReadOnlyList<ProbeResult> results, CancellationToken ct)
    {
        if (results.Count == 0)
        {
            return Task.FromResult(true);
        }
        // SQL Server's retrying strategy only runs a transaction it can repeat whole (SQLite's runs it once); a commit
        // that failed ambiguously counts as done when the first result row is there.
        return db.Database.CreateExecutionStrategy().ExecuteAsync(
            results,
            (context, state, token) => WriteAsync((AppDbContext)context, state, token),
            async (context, state, token) => new ExecutionResult<bool>(await WrittenAsync((AppDbContext)context, state[0], token), true),
            ct);
    }

    private static Task<bool> WrittenAsync(AppDbContext db, ProbeResult first, CancellationToken ct) =>
        db.HealthResults.AnyAsync(r => r.CheckId == first.Claim.Probe.CheckId && r.At == first.At, ct);

    private static async Task<bool> WriteAsync(AppDbContext db, IReadOnlyList<ProbeResult> results, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();
        foreach (var chunk in results.Chunk(Chunk))
        {
            await using (var update = connection.CreateCommand())
            {
                update.Transaction = dbTransaction;
                var sql = new StringBuilder(chunk.Length * 420);
                for (var i = 0; i < chunk.Length; i++)
                {
                    var (claim, outcome, at) = chunk[i];
                    // The right-hand sides all see the row as it was, so the lease test reads the old owner twice.
                    sql.Append("UPDATE \"HealthChecks\" SET \"ConsecutiveFailures\" = 0, ")
                        .Append("\"LastCheckedAt\" = @a").Append(i)
                        .Append(", \"LastLatencyMs\" = @l").Append(i)
                        .Append(", \"LastReason\" = @r").Append(i)
                        .Append(", \"LeaseUntil\" = CASE WHEN \"LeaseOwner\" = @t").Append(i).Append(" THEN NULL ELSE \"LeaseUntil\" END")
                        .Append(", \"LeaseOwner\" = CASE WHEN \"LeaseOwner\" = @t").Append(i).Append(" THEN NULL ELSE \"LeaseOwner\" END")
                        // An edit while the probe ran already rescheduled the check; keep its schedule.
                        .Append(", \"NextDueAt\" = CASE WHEN \"UpdatedAt\" = @u").Append(i).Append(" THEN @n").Append(i).Append(" ELSE \"NextDueAt\" END")
                        .Append(" WHERE \"Id\" = @i").Append(i).Append(" AND \"Status\" = @s").Append(i).Append(";\n");
                    Add(update, "a", i, at);
                    Add(update, "l", i, outcome.LatencyMs);
                    Add(update, "r", i, HealthMonitor.Truncate(outcome.Reason));
                    Add(update, "t", i, claim.LeaseToken);
                    Add(update, "u", i, claim.ConfigUpdatedAt);
                    Add(update, "n", i, HealthMonitor.NextDue(claim.DueAt, claim.IntervalSeconds, at));
                    Add(update, "i", i, claim.Probe.CheckId);
                    Add(update, "s", i, (int)claim.Status);
                }
                update.CommandText = sql.ToString();
                if (await update.ExecuteNonQueryAsync(ct) != chunk.Length)
                {
                    await transaction.RollbackAsync(ct);
                    return false;
                }
            }
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = dbTransaction;
                var sql = new StringBuilder("INSERT INTO \"HealthResults\" (\"CheckId\", \"At\", \"Status\", \"LatencyMs\", \"Reason\") VALUES ", chunk.Length * 48);
                for (var i = 0; i < chunk.Length; i++)
                {
                    var (claim, outcome, at) = chunk[i];
                    sql.Append(i == 0 ? "" : ", ").Append("(@c").Append(i).Append(", @a").Append(i).Append(", @s").Append(i)
                        .Append(", @l").Append(i).Append(", @r").Append(i).Append(')');
                    Add(insert, "c", i, claim.Probe.CheckId);
                    Add(insert, "a", i, at);
                    Add(insert, "s", i, (int)claim.Status);
                    Add(insert, "l", i, outcome.LatencyMs);
                    Add(insert, "r", i, HealthMonitor.Truncate(outcome.Reason));
                }
                insert.CommandText = sql.ToString();
                await insert.ExecuteNonQueryAsync(ct);
            }
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    private static void Add(DbCommand command, string prefix, int index, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + prefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameter.Value = value ?? DBNull.Value;
        switch (value)
        {
            case DateTime:
                // SQL Server's columns are datetime2; its default datetime parameter would round to 3 ms and never
                // equal the stored UpdatedAt. SQLite writes either as the same text EF writes.
                parameter.DbType = DbType.DateTime2;
                break;
            case string:
                parameter.DbType = DbType.String;
                break;
            case null:
                // A null's type does not matter to the column it lands in; String binds on both providers.
                parameter.DbType = DbType.String;
                break;
        }
        command.Parameters.Add(parameter);
    }
}
