using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Search;

public sealed record SearchHit(string Kind, string Slug, string Name, string? Description);

public sealed record SearchResults(IReadOnlyList<SearchHit> Items);

/// <summary>
/// Global search over the term index: every word of the query must prefix-match a term of the
/// entity; an exact slug ranks first, then a slug or name starting with the query, then entities
/// whose slug, name or tag words match, then those matched only through their description.
/// </summary>
public sealed class SearchService(IDbContextFactory<AppDbContext> dbFactory, ILogger<SearchService> log)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;
    public const int MaxQueryLength = 200;
    private const int MaxWords = 6;

    // A one-letter prefix of a big catalog matches thousands of terms; this bounds the rows read per word.
    private const int MaxRowsPerWord = 20_000;

    public async Task<SearchResults> SearchAsync(string? q, int? limit, CancellationToken ct = default)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["limit"] = [$"limit must be between 1 and {MaxLimit}."],
            });
        }
        if ((q?.Length ?? 0) > MaxQueryLength)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["q"] = [$"q is at most {MaxQueryLength} characters."],
            });
        }
        var whole = SearchText.Normalize(q ?? "");
        var words = SearchText.Words(whole).Distinct().OrderByDescending(w => w.Length).Take(MaxWords).ToList();
        if (words.Count == 0)
        {
            return new SearchResults([]);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ranked = await RankAsync(db, whole, words, ct);
        var top = ranked.OrderBy(r => r.Value.Rank).ThenBy(r => r.Value.Length).ThenBy(r => r.Key.Key, StringComparer.Ordinal)
            .ThenBy(r => SearchKinds.All.ToList().IndexOf(r.Key.Kind))
            .Take(take).Select(r => r.Key).ToList();
        var details = await DetailsAsync(db, top, ct);
        return new SearchResults([.. top.Where(details.ContainsKey).Select(k => details[k])]);
    }

    /// <summary>Entity → (rank, length of its best matching term) for entities that match every word.</summary>
    private static async Task<Dictionary<(string Kind, string Key), (int Rank, int Length)>> RankAsync(
        AppDbContext db, string whole, List<string> words, CancellationToken ct)
    {
        Dictionary<(string, string), (int Rank, int Length)>? matched = null;
        foreach (var word in words)
        {
            var rows = await TermRangeAsync(db, word, word.Length < 3, matched?.Keys.Select(k => k.Item2).Distinct().ToList(), ct);
            var best = new Dictionary<(string, string), (int Rank, int Length)>();
            foreach (var row in rows)
            {
                if (matched is not null && !matched.ContainsKey((row.Kind, row.Key)))
                {
                    continue;
                }
                var rank = row.Field switch
                {
                    SearchField.Description => 3,
                    _ => 2,
                };
                var key = (row.Kind, row.Key);
                if (!best.TryGetValue(key, out var current) || (rank, row.Term.Length).CompareTo(current) < 0)
                {
                    best[key] = (rank, row.Term.Length);
                }
            }
            matched = matched is null
                ? best
                : best.ToDictionary(b => b.Key, b => (Math.Max(b.Value.Rank, matched[b.Key].Rank), Math.Min(b.Value.Length, matched[b.Key].Length)));
        }
        matched ??= [];

        // The whole query against whole slugs and names: `example-web` starts `example-website`.
        foreach (var row in await TermRangeAsync(db, whole, true, null, ct))
        {
            if (row.Field is not (SearchField.Slug or SearchField.Name))
            {
                continue;
            }
            var rank = row.Field == SearchField.Slug && row.Term == whole ? 0 : 1;
            var key = (row.Kind, row.Key);
            if (!matched.TryGetValue(key, out var current) || rank < current.Rank)
            {
                matched[key] = (rank, row.Term.Length);
            }
        }
        return matched;
    }

    private sealed record TermRow(string Kind, string Key, SearchField Field, string Term);

    private static Task<List<TermRow>> TermRangeAsync(AppDbContext db, string prefix, bool namesOnly, List<string>? within, CancellationToken ct)
    {
        var upper = SearchText.UpperBound(prefix);
        var query = db.SearchTerms.AsNoTracking()
            .Where(t => string.Compare(t.Term, prefix) >= 0 && string.Compare(t.Term, upper) < 0);
        if (prefix.Length == 1 && within is not { Count: <= 500 })
        {
            // One letter alone starts a third of all words: it means "names starting with", until other words narrow the candidates.
            query = query.Where(t => t.Field == SearchField.Slug || t.Field == SearchField.Name);
        }
        else if (namesOnly)
        {
            query = query.Where(t => t.Field != SearchField.Description);
        }
        // Once the first word has narrowed the candidates, later words only need to confirm them.
        if (within is { Count: <= 500 })
        {
            query = query.Where(t => within.Contains(t.Key));
        }
        return query.OrderBy(t => t.Term).Take(MaxRowsPerWord).Select(t => new TermRow(t.Kind, t.Key, t.Field, t.Term)).ToListAsync(ct);
    }

    private static async Task<Dictionary<(string Kind, string Key), SearchHit>> DetailsAsync(
        AppDbContext db, List<(string Kind, string Key)> keys, CancellationToken ct)
    {
        var hits = new Dictionary<(string, string), SearchHit>();
        foreach (var group in keys.GroupBy(k => k.Kind))
        {
            var slugKeys = group.Select(k => k.Key).ToList();
            var rows = group.Key switch
            {
                SearchKinds.Service => await db.Services.Where(e => slugKeys.Contains(e.SlugKey))
                    .Select(e => new SearchHit(SearchKinds.Service, e.Slug, e.Name, e.Description)).ToListAsync(ct),
                SearchKinds.System => await db.Systems.Where(e => slugKeys.Contains(e.SlugKey))
                    .Select(e => new SearchHit(SearchKinds.System, e.Slug, e.Name, e.Description)).ToListAsync(ct),
                SearchKinds.Database => await db.Databases.Where(e => slugKeys.Contains(e.SlugKey))
                    .Select(e => new SearchHit(SearchKinds.Database, e.Slug, e.Name, e.Description)).ToListAsync(ct),
                SearchKinds.Api => await db.Apis.Where(e => slugKeys.Contains(e.SlugKey))
                    .Select(e => new SearchHit(SearchKinds.Api, e.Slug, e.Name, e.Description)).ToListAsync(ct),
                SearchKinds.Team => await db.Teams.Where(e => slugKeys.Contains(e.SlugKey))
                    .Select(e => new SearchHit(SearchKinds.Team, e.Slug, e.Name, e.Description)).ToListAsync(ct),
                SearchKinds.Person => await db.People.Where(e => slugKeys.Contains(e.SlugKey))
                    .Select(e => new SearchHit(SearchKinds.Person, e.Slug, e.Name, e.Email)).ToListAsync(ct),
                _ => [],
            };
            foreach (var row in rows)
            {
                hits[(row.Kind, Slug.Key(row.Slug))] = row;
            }
        }
        return hits;
    }

    /// <summary>Keys of services whose slug, name, tags or description have a word starting with each word of <paramref name="q"/>.</summary>
    public static IQueryable<string> MatchingKeys(AppDbContext db, string kind, string word)
    {
        var prefix = SearchText.Normalize(word);
        var upper = SearchText.UpperBound(prefix);
        return db.SearchTerms.Where(t => t.Kind == kind && string.Compare(t.Term, prefix) >= 0 && string.Compare(t.Term, upper) < 0)
            .Select(t => t.Key);
    }

    /// <summary>Rebuilds every term from the entities; returns how many entities were indexed.</summary>
    public async Task<int> ReindexAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SearchTerms.ExecuteDeleteAsync(ct);
        var docs = new List<SearchDocument>();
        docs.AddRange(await db.Services.AsNoTracking().Select(e => new SearchDocument(SearchKinds.Service, e.SlugKey, e.Slug, e.Name, e.Description, e.Tags)).ToListAsync(ct));
        docs.AddRange(await db.Systems.AsNoTracking().Select(e => new SearchDocument(SearchKinds.System, e.SlugKey, e.Slug, e.Name, e.Description, e.Tags)).ToListAsync(ct));
        docs.AddRange(await db.Databases.AsNoTracking().Select(e => new SearchDocument(SearchKinds.Database, e.SlugKey, e.Slug, e.Name, e.Description, e.Tags)).ToListAsync(ct));
        docs.AddRange(await db.Apis.AsNoTracking().Select(e => new SearchDocument(SearchKinds.Api, e.SlugKey, e.Slug, e.Name, e.Description, e.Tags)).ToListAsync(ct));
        docs.AddRange((await db.Teams.AsNoTracking().Select(e => new { e.SlugKey, e.Slug, e.Name, e.Description }).ToListAsync(ct))
            .Select(e => new SearchDocument(SearchKinds.Team, e.SlugKey, e.Slug, e.Name, e.Description, [])));
        docs.AddRange((await db.People.AsNoTracking().Select(e => new { e.SlugKey, e.Slug, e.Name, e.Email }).ToListAsync(ct))
            .Select(e => new SearchDocument(SearchKinds.Person, e.SlugKey, e.Slug, e.Name, e.Email, [])));
        foreach (var chunk in docs.Chunk(2000))
        {
            await BulkInsert.InsertAsync(db, [.. chunk.SelectMany(d => d.Terms())], ct);
        }
        await tx.CommitAsync(ct);
        log.LogInformation("Search index rebuilt: {Count} entities.", docs.Count);
        return docs.Count;
    }

    /// <summary>At startup: an empty index over a non-empty catalog (an upgrade, a restored backup) is rebuilt.</summary>
    public async Task ReindexIfEmptyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.SearchTerms.AnyAsync(ct) && (await db.Services.AnyAsync(ct) || await db.Teams.AnyAsync(ct)))
        {
            await ReindexAsync(ct);
        }
    }
}
