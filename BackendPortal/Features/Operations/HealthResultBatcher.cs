using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Operations;

/// <summary>
/// Collects finished probes for a short window and records them in one go (HealthMonitor.RecordManyAsync);
/// each caller still awaits its own result, so a probe's slot is freed only once its outcome is stored.
/// </summary>
public sealed class HealthResultBatcher(HealthMonitor monitor, TimeProvider clock, IOptions<HealthOptions> options, ILogger<HealthResultBatcher> logger)
{
    private sealed record Pending(ProbeResult Result, TaskCompletionSource Done);

    private readonly ConcurrentQueue<Pending> queue = new();
    private int flushScheduled;

    public Task RecordAsync(ClaimedCheck claim, ProbeOutcome outcome, CancellationToken ct)
    {
        var window = options.Value.RecordBatchMilliseconds;
        if (window <= 0)
        {
            return monitor.RecordAsync(claim, outcome, ct);
        }
        // The flush completes these inline: what waits on one is the end of a probe (a slot release), not worth a
        // thread-pool work item each.
        var pending = new Pending(new ProbeResult(claim, outcome, clock.GetUtcNow().UtcDateTime), new TaskCompletionSource());
        queue.Enqueue(pending);
        if (Interlocked.CompareExchange(ref flushScheduled, 1, 0) == 0)
        {
            _ = FlushAfterAsync(TimeSpan.FromMilliseconds(window));
        }
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task FlushAfterAsync(TimeSpan window)
    {
        // Real time, not the injected clock: a fake clock in tests would hold the batch until it is advanced.
        await Task.Delay(window);
        while (true)
        {
            var batch = new List<Pending>();
            while (batch.Count < 500 && queue.TryDequeue(out var next))
            {
                batch.Add(next);
            }
            if (batch.Count > 0)
            {
                await RecordAsync(batch);
            }
            if (!queue.IsEmpty)
            {
                continue;
            }
            Volatile.Write(ref flushScheduled, 0);
            // A probe that finished between the last dequeue and the reset saw the flag still set: take it now.
            if (queue.IsEmpty || Interlocked.CompareExchange(ref flushScheduled, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task RecordAsync(List<Pending> batch)
    {
        try
        {
            await monitor.RecordManyAsync([.. batch.Select(p => p.Result)], CancellationToken.None);
            foreach (var p in batch)
            {
                p.Done.TrySetResult();
            }
            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            logger.LogWarning(ex, "Recording {Count} probe results together failed; recording them one by one.", batch.Count);
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
            return;
        }
        foreach (var p in batch)
        {
            try
            {
                await monitor.RecordManyAsync([p.Result], CancellationToken.None);
                p.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                p.Done.TrySetException(ex);
            }
        }
    }
}
