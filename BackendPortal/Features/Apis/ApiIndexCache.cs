using System.Collections.Concurrent;
using BackendPortal.Features.Apis.Spec;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Apis;

/// <summary>
/// Recently used spec indexes, bounded by their size in operations and schemas (Apis:IndexCacheItems) and dropped
/// after 10 minutes unused. The index of a large spec is tens of MB of objects: an unbounded cache kept every version
/// uploaded in the last 10 minutes, and each full GC had to walk them all. Versions never change once stored, so a
/// cached index cannot go stale; the least recently used goes first, and the newest always stays.
/// </summary>
public sealed class ApiIndexCache(IOptions<ApiOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Unused = TimeSpan.FromMinutes(10);

    private sealed class Entry(int versionId, SpecIndex index)
    {
        public int VersionId { get; } = versionId;
        public SpecIndex Index { get; } = index;
        public long Weight { get; } = 1L + index.Operations.Count + index.Schemas.Count;
        public DateTimeOffset LastUsed { get; set; }
    }

    private readonly object gate = new();
    private readonly Dictionary<int, LinkedListNode<Entry>> entries = [];
    /// <summary>Most recently used first.</summary>
    private readonly LinkedList<Entry> order = new();
    private readonly ConcurrentDictionary<int, Lazy<Task<SpecIndex>>> loading = new();
    private long weight;

    public long Weight
    {
        get
        {
            lock (gate)
            {
                return weight;
            }
        }
    }

    public bool TryGet(int versionId, out SpecIndex index)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (entries.TryGetValue(versionId, out var node))
            {
                if (now - node.Value.LastUsed <= Unused)
                {
                    node.Value.LastUsed = now;
                    order.Remove(node);
                    order.AddFirst(node);
                    index = node.Value.Index;
                    return true;
                }
                Drop(node);
            }
        }
        index = null!;
        return false;
    }

    public void Set(int versionId, SpecIndex index)
    {
        var now = clock.GetUtcNow();
        var budget = Math.Max(1, options.Value.IndexCacheItems);
        lock (gate)
        {
            if (entries.TryGetValue(versionId, out var existing))
            {
                Drop(existing);
            }
            var node = order.AddFirst(new Entry(versionId, index) { LastUsed = now });
            entries[versionId] = node;
            weight += node.Value.Weight;
            while (order.Last is { } last && last != node && (weight > budget || now - last.Value.LastUsed > Unused))
            {
                Drop(last);
            }
        }
    }

    /// <summary>The cached index, or one load shared by every concurrent caller (whose result is then cached).</summary>
    public Task<SpecIndex> GetOrLoadAsync(int versionId, Func<Task<SpecIndex>> load)
    {
        if (TryGet(versionId, out var cached))
        {
            return Task.FromResult(cached);
        }
        var lazy = loading.GetOrAdd(versionId, id => new Lazy<Task<SpecIndex>>(() => Task.Run(async () =>
        {
            try
            {
                var index = await load();
                Set(id, index);
                return index;
            }
            finally
            {
                loading.TryRemove(id, out _);
            }
        })));
        return lazy.Value;
    }

    public void Remove(int versionId)
    {
        lock (gate)
        {
            if (entries.TryGetValue(versionId, out var node))
            {
                Drop(node);
            }
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
            order.Clear();
            weight = 0;
        }
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        entries.Remove(node.Value.VersionId);
        order.Remove(node);
        weight -= node.Value.Weight;
    }
}
