using BackendPortal.Features.Apis.Spec;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BackendPortal.Features.Apis;

public sealed class ApiIndexCacheTests
{
    private readonly FakeTimeProvider clock = new();

    private ApiIndexCache Cache(int budget) => new(Options.Create(new ApiOptions { IndexCacheItems = budget }), clock);

    private static SpecIndex Index(int operations) => new()
    {
        Operations = [.. Enumerable.Range(0, operations).Select(i => new SpecOperation { Method = "GET", Path = $"/r{i}" })],
    };

    [Fact]
    public void The_least_recently_used_index_goes_first_when_the_budget_is_exceeded()
    {
        var cache = Cache(budget: 250);
        cache.Set(1, Index(99));
        cache.Set(2, Index(99));
        Assert.True(cache.TryGet(1, out _));
        cache.Set(3, Index(99));

        Assert.False(cache.TryGet(2, out _));
        Assert.True(cache.TryGet(1, out _));
        Assert.True(cache.TryGet(3, out _));
        Assert.Equal(200, cache.Weight);
    }

    [Fact]
    public void The_newest_index_stays_even_when_it_alone_is_over_the_budget()
    {
        var cache = Cache(budget: 50);
        cache.Set(1, Index(10));
        cache.Set(2, Index(500));

        Assert.True(cache.TryGet(2, out var kept));
        Assert.Equal(500, kept.Operations.Count);
        Assert.False(cache.TryGet(1, out _));
    }

    [Fact]
    public void An_index_unused_for_ten_minutes_is_dropped()
    {
        var cache = Cache(budget: 1000);
        cache.Set(1, Index(10));
        clock.Advance(ApiIndexCache.Unused - TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet(1, out _));
        clock.Advance(ApiIndexCache.Unused + TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(1, out _));
        Assert.Equal(0, cache.Weight);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_load_and_a_failed_load_is_not_kept()
    {
        var cache = Cache(budget: 1000);
        var loads = 0;
        var release = new TaskCompletionSource();
        async Task<SpecIndex> Load()
        {
            Interlocked.Increment(ref loads);
            await release.Task;
            return Index(5);
        }
        var first = cache.GetOrLoadAsync(7, Load);
        var second = cache.GetOrLoadAsync(7, Load);
        release.SetResult();
        Assert.Same(await first, await second);
        Assert.Equal(1, loads);
        Assert.True(cache.TryGet(7, out _));

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrLoadAsync(8, () => throw new InvalidOperationException("unreadable")));
        Assert.False(cache.TryGet(8, out _));
        Assert.Equal(5, (await cache.GetOrLoadAsync(8, () => Task.FromResult(Index(5)))).Operations.Count);
    }
}
