using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Data;

public static class CatalogSaves
{
    /// <summary>
    /// Saves a catalog edit. A save that lost a race becomes the same answers a checked one gives:
    /// 412 naming who changed the record, or 409 when another request took the slug first.
    /// </summary>
    public static async Task SaveCatalogChangesAsync(this AppDbContext db, AuditedEntity entity, string what, string duplicate, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await db.Entry(entity).ReloadAsync(ct);
            throw new ConcurrencyConflictException(what, entity.UpdatedBy, entity.UpdatedAt, entity.ETag);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException(duplicate);
        }
    }

    /// <summary>Refuses an edit made on a version other than the current one; null means "overwrite".</summary>
    public static void ThrowIfChangedSince(this AuditedEntity entity, Guid? expectedVersion, string what)
    {
        if (expectedVersion is { } expected && expected != entity.Version)
        {
            throw new ConcurrencyConflictException(what, entity.UpdatedBy, entity.UpdatedAt, entity.ETag);
        }
    }
}
