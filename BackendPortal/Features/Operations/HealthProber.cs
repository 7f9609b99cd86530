using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Operations;

/// <summary>
/// Claims due checks through the database and probes them, at most MaxConcurrency at a time; a
/// slow target only holds its own slot until its timeout. Rolls up and prunes history on the side.
/// </summary>
public sealed class HealthProber(
    HealthMonitor monitor,
    HealthResultBatcher recorder,
    HealthProbe probe,
    TimeProvider clock,
    IOptions<HealthOptions> options,
    ILogger<HealthProber> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Task, byte> inFlight = new();
    private SemaphoreSlim? slots;
    private DateTime nextRollup;
    private DateTime nextPrune;

    /// <summary>Due time → probe start, in ms, of recent probes (the benchmark reads it).</summary>
    public ConcurrentQueue<double> StartLags { get; } = new();

    public bool RecordLags { get; set; }

    private SemaphoreSlim Slots => slots ??= new SemaphoreSlim(Math.Max(1, options.Value.MaxConcurrency));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ProberEnabled)
        {
            return;
        }
        try
        {
            await monitor.ProtectLegacyHeadersAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Protecting legacy health-check header values failed; they keep working and are protected on their next save.");
        }
        var poll = TimeSpan.FromSeconds(Math.Max(0.05, options.Value.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await StartDueAsync(stoppingToken, poll);
                await MaintainAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The health prober's cycle failed; it tries again shortly.");
            }
            try
            {
                if (more)
                {
                    // Everything claimed is running and more is due: go again as soon as a slot frees.
                    await Slots.WaitAsync(stoppingToken);
                    Slots.Release();
                }
                else
                {
                    await Task.Delay(poll, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Probes see the cancellation at once; give their lease releases a moment, never the host's whole shutdown budget.
        var pending = inFlight.Keys.ToArray();
        if (pending.Length > 0)
        {
            await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(3)));
        }
    }

    /// <summary>
    /// Claims what is due now or before the next poll and starts a probe for each at its due time;
    /// true when the claim filled every free slot.
    /// </summary>
    public async Task<bool> StartDueAsync(CancellationToken ct, TimeSpan lookahead = default)
    {
        var free = Slots.CurrentCount;
        var claimed = await monitor.ClaimDueAsync(free, ct, lookahead);
        foreach (var claim in claimed)
        {
            await Slots.WaitAsync(ct);
            var task = ProbeAsync(claim, ct);
            inFlight[task] = 0;
            _ = task.ContinueWith(t => inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return free > 0 && claimed.Count == free;
    }

    /// <summary>For tests: probe everything due now and wait for the results.</summary>
    public async Task RunDueAsync(CancellationToken ct = default)
    {
        while (true)
        {
            var more = await StartDueAsync(ct);
            await Task.WhenAll(inFlight.Keys.ToArray());
            if (!more)
            {
                return;
            }
        }
    }

    private async Task ProbeAsync(ClaimedCheck claim, CancellationToken stopping)
    {
        try
        {
            // Off the claim loop either way: a wait for the due time yields by itself, a probe due now yields here.
            var wait = claim.DueAt - clock.GetUtcNow().UtcDateTime;
            if (wait >= TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, clock, stopping);
            }
            else
            {
                await Task.Yield();
            }
            if (RecordLags)
            {
                StartLags.Enqueue((clock.GetUtcNow().UtcDateTime - claim.DueAt).TotalMilliseconds);
            }
            var outcome = await probe.RunAsync(claim.Probe, options.Value.MaxBodyBytes, stopping);
            await recorder.RecordAsync(claim, outcome, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(claim);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Recording the probe of health check {CheckId} failed.", claim.Probe.CheckId);
            await ReleaseQuietlyAsync(claim);
        }
        finally
        {
            Slots.Release();
        }
    }

    private async Task ReleaseQuietlyAsync(ClaimedCheck claim)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await monitor.ReleaseAsync(claim, cts.Token);
        }
        catch (Exception ex)
        {
            // The lease lapses by itself; another instance (or this one after restart) takes the check then.
            logger.LogDebug(ex, "Releasing the lease of health check {CheckId} failed.", claim.Probe.CheckId);
        }
    }

    private async Task MaintainAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now >= nextRollup)
        {
            nextRollup = BucketKey.Floor(BucketResolution.Minute, now) + TimeSpan.FromSeconds(65);
            await monitor.RollupAsync(ct);
        }
        if (now >= nextPrune)
        {
            nextPrune = now + TimeSpan.FromMinutes(10);
            await monitor.PruneAsync(ct);
        }
    }
}
