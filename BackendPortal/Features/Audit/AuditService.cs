using System.Globalization;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Audit;

/// <summary>
/// Appends audit entries and reads them back. There is deliberately no update or delete: entries
/// are the app's record of what happened. Callers never pass secrets (passwords, tokens, keys).
/// </summary>
public sealed class AuditService(
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    AuditContext context,
    IOptions<AuditOptions> options)
{
    public static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    public bool RecordsDataChanges => options.Value.RecordDataChanges;

    public Task RecordAsync(
        string action, Actor actor, string? summary = null, string? entityType = null, string? entityKey = null, CancellationToken ct = default) =>
        RecordAsync(action, actor.UserId, actor.Name, summary, entityType, entityKey, ct);

    /// <summary>Writes one entry on its own. <paramref name="actorId"/> is null when nobody is known (a failed sign-in for an unknown e-mail).</summary>
    public async Task RecordAsync(
        string action, string? actorId, string actorName, string? summary = null, string? entityType = null, string? entityKey = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEntries.Add(NewEntry(action, actorId, actorName, summary, entityType, entityKey, null, null));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Adds an entry for a data change to the context that makes the change, so both are saved by the
    /// same SaveChanges: a change that fails leaves no entry, and no change is saved without one.
    /// </summary>
    public void AddDataChange(AppDbContext db, Actor actor, string action, string entityType, string entityKey, string summary, object? before, object? after)
    {
        if (!options.Value.RecordDataChanges)
        {
            return;
        }
        db.AuditEntries.Add(NewEntry(action, actor.UserId, actor.Name, summary, entityType, entityKey,
            before is null ? null : JsonSerializer.Serialize(before, before.GetType(), SnapshotJson),
            after is null ? null : JsonSerializer.Serialize(after, after.GetType(), SnapshotJson)));
    }

    /// <summary>Adds an entry without snapshots to a context the caller saves (used where an action and its record belong together).</summary>
    public void Add(AppDbContext db, string action, string? actorId, string actorName, string? summary, string? entityType = null, string? entityKey = null) =>
        db.AuditEntries.Add(NewEntry(action, actorId, actorName, summary, entityType, entityKey, null, null));

    private AuditEntry NewEntry(
        string action, string? actorId, string actorName, string? summary, string? entityType, string? entityKey, string? before, string? after) => new()
        {
            At = clock.GetUtcNow().UtcDateTime,
            Action = action,
            ActorId = Clip(actorId, 450),
            ActorName = Clip(actorName, 256) ?? "",
            Ip = Clip(context.Ip, 64),
            EntityType = Clip(entityType, 64),
            EntityKey = Clip(entityKey, 256),
            Summary = Clip(summary, 1000),
            Before = before,
            After = after,
        };

    private static string? Clip(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..(max - 1)] + "…";

    // ---- reading ----------------------------------------------------------------------------------

    /// <summary>Newest first, keyset-paged by id (the API).</summary>
    public async Task<Page<AuditEntryDetails>> ListAsync(AuditFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var afterId))
            {
                throw new ValidationFailedException(new Dictionary<string, string[]>
                {
                    ["cursor"] = ["cursor is not one this endpoint issued; use the nextCursor of a previous page."],
                });
            }
            query = query.Where(e => e.Id < afterId);
        }
        var rows = await query.OrderByDescending(e => e.Id).Take(page.Limit + 1).Select(Project).ToListAsync(ct);
        var next = rows.Count > page.Limit
            ? PageRequest.EncodeCursor(rows[page.Limit - 1].Id.ToString(CultureInfo.InvariantCulture))
            : null;
        return new Page<AuditEntryDetails>(rows.Take(page.Limit).ToList(), next, total);
    }

    /// <summary>Newest first, offset-paged (the grid).</summary>
    public async Task<GridPage<AuditEntryDetails>> QueryAsync(AuditFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit))
            .Select(Project).ToListAsync(ct);
        return new GridPage<AuditEntryDetails>(items, total);
    }

    public async Task WriteCsvAsync(AuditFilter filter, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await writer.WriteLineAsync("id,at,action,actorId,actorName,ip,entityType,entityKey,summary,before,after");
        await foreach (var e in Filtered(db, filter).OrderByDescending(e => e.Id).Select(Project).AsAsyncEnumerable().WithCancellation(ct))
        {
            var fields = new[]
            {
                e.Id.ToString(CultureInfo.InvariantCulture), e.At.ToString("O", CultureInfo.InvariantCulture), e.Action, e.ActorId, e.ActorName,
                e.Ip, e.EntityType, e.EntityKey, e.Summary, e.Before, e.After,
            };
            await writer.WriteLineAsync(string.Join(",", fields.Select(Csv.Field)));
        }
    }

    private static IQueryable<AuditEntry> Filtered(AppDbContext db, AuditFilter filter)
    {
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim();
            var pattern = Validate.LikePattern(actor);
            query = query.Where(e => e.ActorId == actor || EF.Functions.Like(e.ActorName, pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var action = filter.Action.Trim().ToLowerInvariant();
            query = query.Where(e => e.Action == action);
        }
        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            var type = filter.EntityType.Trim().ToLowerInvariant();
            query = query.Where(e => e.EntityType == type);
        }
        if (!string.IsNullOrWhiteSpace(filter.EntityKey))
        {
            var key = filter.EntityKey.Trim();
            query = query.Where(e => e.EntityKey == key);
        }
        if (filter.Since is { } since)
        {
            var from = since.ToUniversalTime();
            query = query.Where(e => e.At >= from);
        }
        if (filter.Until is { } until)
        {
            var to = until.ToUniversalTime();
            query = query.Where(e => e.At < to);
        }
        return query;
    }

    private static readonly System.Linq.Expressions.Expression<Func<AuditEntry, AuditEntryDetails>> Project = e => new AuditEntryDetails(
        e.Id, e.At, e.Action, e.ActorId, e.ActorName, e.Ip, e.EntityType, e.EntityKey, e.Summary, e.Before, e.After);
}
