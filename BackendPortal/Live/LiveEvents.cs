using System.Collections.Concurrent;

namespace BackendPortal.Live;

/// <summary>Something changed that open pages may show. Each module defines its own records.</summary>
public abstract record LiveEvent;

/// <summary>
/// The hub between whatever changes data (API calls, the prober, CI uploads) and the circuits
/// showing it. Publishing is one line: <c>live.Publish(new DeploymentRecorded(slug))</c>. The
/// in-process implementation reaches the circuits of this instance; a Redis-backed one can
/// replace it to reach every instance without changing publishers or subscribers.
/// </summary>
public interface ILiveEvents
{
    void Publish(LiveEvent e);

    /// <summary>Handlers run off the publisher's thread; a component marshals with InvokeAsync itself.</summary>
    IDisposable Subscribe<T>(Func<T, Task> handler) where T : LiveEvent;
}

public sealed class InProcessLiveEvents(ILogger<InProcessLiveEvents> logger) : ILiveEvents
{
    private readonly ConcurrentDictionary<Guid, Subscription> subscriptions = new();

    public void Publish(LiveEvent e)
    {
        foreach (var subscription in subscriptions.Values)
        {
            if (subscription.Type.IsInstanceOfType(e))
            {
                _ = DeliverAsync(subscription, e);
            }
        }
    }

    public IDisposable Subscribe<T>(Func<T, Task> handler) where T : LiveEvent
    {
        var id = Guid.NewGuid();
        subscriptions[id] = new Subscription(typeof(T), e => handler((T)e));
        return new Unsubscriber(() => subscriptions.TryRemove(id, out _));
    }

    private async Task DeliverAsync(Subscription subscription, LiveEvent e)
    {
        try
        {
            await Task.Yield();
            await subscription.Handler(e);
        }
        catch (Exception ex)
        {
            // A closed circuit or a faulty page must not break the publisher or the other subscribers.
            logger.LogDebug(ex, "A live-event subscriber failed on {Event}", e.GetType().Name);
        }
    }

    private sealed record Subscription(Type Type, Func<LiveEvent, Task> Handler);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
