using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Graph;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackendPortal.Features.Search;

/// <summary>
/// Keeps the search terms and the catalog stamp current inside every SaveChanges, so every writer
/// (pages, API, import) maintains them without knowing they exist. Stateless: one instance serves all contexts.
/// </summary>
public sealed class SearchIndexInterceptor : SaveChangesInterceptor
{
    public static SearchIndexInterceptor Instance { get; } = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db)
        {
            IndexAsync(db, sync: true, CancellationToken.None).GetAwaiter().GetResult();
        }
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db)
        {
            await IndexAsync(db, sync: false, cancellationToken);
        }
        return result;
    }

    private static async Task IndexAsync(AppDbContext db, bool sync, CancellationToken ct)
    {
        db.ChangeTracker.DetectChanges();
        var graphChanged = false;
        var stale = new List<(string Kind, string Key)>();
        var fresh = new List<SearchDocument>();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            graphChanged |= entry.Entity is Service or CatalogDatabase or CatalogApi or CatalogSystem or Team
                or ServiceDependency or ServiceDatabase or ServiceApiLink;
            if (SearchDocument.From(entry.Entity) is not { } doc)
            {
                continue;
            }
            switch (entry.State)
            {
                case EntityState.Added:
                    fresh.Add(doc);
                    break;
                case EntityState.Deleted:
                    stale.Add((doc.Kind, OriginalKey(entry, doc)));
                    break;
                case EntityState.Modified when SearchDocument.IndexedProperties.Any(p => IsModified(entry, p)):
                    stale.Add((doc.Kind, OriginalKey(entry, doc)));
                    fresh.Add(doc);
                    break;
            }
        }
        if (db.DeferredSearchIndex is { } deferred)
        {
            deferred.Record(stale, fresh);
        }
        else
        {
            await RemoveTermsAsync(db, stale, sync, ct);
            foreach (var doc in fresh)
            {
                db.Set<SearchTerm>().AddRange(doc.Terms());
            }
        }
        if (graphChanged)
        {
            var stamp = db.Set<CatalogStamp>().Local.FirstOrDefault(s => s.Id == CatalogStamp.SingletonId);
            if (stamp is null)
            {
                stamp = new CatalogStamp { Id = CatalogStamp.SingletonId };
                db.Set<CatalogStamp>().Attach(stamp);
            }
            stamp.Version = Guid.NewGuid();
            db.Entry(stamp).Property(s => s.Version).IsModified = true;
        }
    }

    /// <summary>
    /// Writes what a context with <see cref="AppDbContext.DeferredSearchIndex"/> set has collected, in one pass
    /// at the end of a large write (the import) instead of as tracked rows in every SaveChanges.
    /// </summary>
    public static async Task FlushDeferredAsync(AppDbContext db, CancellationToken ct)
    {
        if (db.DeferredSearchIndex is not { } deferred)
        {
            return;
        }
        foreach (var group in deferred.Stale.GroupBy(s => s.Kind))
        {
            foreach (var chunk in group.Select(s => s.Key).Chunk(500))
            {
                var kind = group.Key;
                await db.Set<SearchTerm>().Where(t => t.Kind == kind && chunk.Contains(t.Key)).ExecuteDeleteAsync(ct);
            }
        }
        foreach (var chunk in deferred.Current.Chunk(2000))
        {
            await BulkInsert.InsertAsync(db, [.. chunk.SelectMany(d => d.Terms())], ct);
        }
        deferred.Clear();
    }

    private static async Task RemoveTermsAsync(AppDbContext db, List<(string Kind, string Key)> stale, bool sync, CancellationToken ct)
    {
        foreach (var group in stale.GroupBy(s => s.Kind))
        {
            foreach (var chunk in group.Select(s => s.Key).Distinct().Chunk(500))
            {
                var kind = group.Key;
                var query = db.Set<SearchTerm>().Where(t => t.Kind == kind && chunk.Contains(t.Key));
                var rows = sync ? query.ToList() : await query.ToListAsync(ct);
                db.Set<SearchTerm>().RemoveRange(rows);
            }
        }
    }

    private static bool IsModified(EntityEntry entry, string property) =>
        entry.Metadata.FindProperty(property) is not null && entry.Property(property).IsModified;

    private static string OriginalKey(EntityEntry entry, SearchDocument doc) =>
        entry.Metadata.FindProperty("SlugKey") is not null && entry.Property("SlugKey").OriginalValue is string key ? key : doc.Key;
}

/// <summary>What the index needs after a run of saves: every key whose old terms must go, and each key's latest document.</summary>
public sealed class DeferredSearchIndex
{
    private readonly HashSet<(string Kind, string Key)> stale = [];
    private readonly Dictionary<(string Kind, string Key), SearchDocument?> current = [];

    public IEnumerable<(string Kind, string Key)> Stale => stale;

    public IEnumerable<SearchDocument> Current => current.Values.OfType<SearchDocument>();

    public void Record(IEnumerable<(string Kind, string Key)> removed, IEnumerable<SearchDocument> written)
    {
        foreach (var key in removed)
        {
            stale.Add(key);
            current[key] = null;
        }
        foreach (var doc in written)
        {
            current[(doc.Kind, doc.Key)] = doc;
        }
    }

    public void Clear()
    {
        stale.Clear();
        current.Clear();
    }
}
