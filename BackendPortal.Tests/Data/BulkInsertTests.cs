using BackendPortal.Features.Search;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Data;

public sealed class BulkInsertTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static List<SearchTerm> Rows(string key, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new SearchTerm { Term = $"t{i}", Kind = SearchKinds.Service, Key = key, Field = (SearchField)(i % 5) })];

    private Task<List<(string Term, SearchField Field)>> StoredAsync(string key) =>
        factory.WithDbAsync(async db => (await db.SearchTerms.Where(t => t.Key == key).OrderBy(t => t.Id).ToListAsync()).Select(t => (t.Term, t.Field)).ToList());

    [Fact]
    public async Task Rows_written_in_a_transaction_keep_every_column_and_commit_with_it()
    {
        var key = PortalFactory.Unique("bulk");
        await factory.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await BulkInsert.InsertAsync(db, Rows(key, 1200), CancellationToken.None);
            await tx.CommitAsync();
            return 0;
        });

        var stored = await StoredAsync(key);
        Assert.Equal(1200, stored.Count);
        Assert.Equal(("t7", SearchField.Word), stored[7]);
        Assert.Equal(("t1199", SearchField.Description), stored[^1]);
    }

    [Fact]
    public async Task Rows_of_a_rolled_back_transaction_are_not_kept()
    {
        var key = PortalFactory.Unique("bulk");
        await factory.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await BulkInsert.InsertAsync(db, Rows(key, 50), CancellationToken.None);
            Assert.Equal(50, await db.SearchTerms.CountAsync(t => t.Key == key));
            await tx.RollbackAsync();
            return 0;
        });

        Assert.Empty(await StoredAsync(key));
    }

    [Fact]
    public async Task Without_a_transaction_the_rows_go_through_ef_and_are_not_left_tracked()
    {
        var key = PortalFactory.Unique("bulk");
        var tracked = await factory.WithDbAsync(async db =>
        {
            await BulkInsert.InsertAsync(db, Rows(key, 3), CancellationToken.None);
            return db.ChangeTracker.Entries().Count();
        });

        Assert.Equal(0, tracked);
        Assert.Equal(3, (await StoredAsync(key)).Count);
    }
}
