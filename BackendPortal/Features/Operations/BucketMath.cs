namespace BackendPortal.Features.Operations;

public readonly record struct Sample(HealthStatus Status, int? LatencyMs);

/// <summary>The arithmetic of rollups, apart from storage, so the benchmark can drive it with a simulated clock.</summary>
public static class BucketMath
{
    public static HealthBucket FromSamples(long key, IReadOnlyCollection<Sample> samples)
    {
        var latencies = samples.Where(s => s.LatencyMs is not null && s.Status != HealthStatus.Down).Select(s => s.LatencyMs!.Value).ToList();
        latencies.Sort();
        return new HealthBucket
        {
            Key = key,
            Total = samples.Count,
            Up = samples.Count(s => s.Status == HealthStatus.Up),
            Degraded = samples.Count(s => s.Status == HealthStatus.Degraded),
            Down = samples.Count(s => s.Status == HealthStatus.Down),
            LatencyCount = latencies.Count,
            LatencySumMs = latencies.Sum(l => (long)l),
            LatencyMaxMs = latencies.Count == 0 ? 0 : latencies[^1],
            LatencyP95Ms = Percentile(latencies, 0.95),
        };
    }

    /// <summary>Sums counts; the p95 of the whole is the 95th percentile of the parts' p95s weighted by their sample counts.</summary>
    public static HealthBucket Combine(long key, IReadOnlyCollection<HealthBucket> parts) => new()
    {
        Key = key,
        Total = parts.Sum(p => p.Total),
        Up = parts.Sum(p => p.Up),
        Degraded = parts.Sum(p => p.Degraded),
        Down = parts.Sum(p => p.Down),
        LatencyCount = parts.Sum(p => p.LatencyCount),
        LatencySumMs = parts.Sum(p => p.LatencySumMs),
        LatencyMaxMs = parts.Count == 0 ? 0 : parts.Max(p => p.LatencyMaxMs),
        LatencyP95Ms = WeightedP95(parts),
    };

    public static int WeightedP95(IEnumerable<HealthBucket> parts)
    {
        var weighted = parts.Where(p => p.LatencyCount > 0).OrderBy(p => p.LatencyP95Ms).ToList();
        var total = weighted.Sum(p => (long)p.LatencyCount);
        if (total == 0)
        {
            return 0;
        }
        var target = total * 0.95;
        long seen = 0;
        foreach (var part in weighted)
        {
            seen += part.LatencyCount;
            if (seen >= target)
            {
                return part.LatencyP95Ms;
            }
        }
        return weighted[^1].LatencyP95Ms;
    }

    public static int Percentile(List<int> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }
        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
