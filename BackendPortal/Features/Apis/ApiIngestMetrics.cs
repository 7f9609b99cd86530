using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BackendPortal.Features.Apis;

/// <summary>
/// Where a spec upload spends its time: one histogram of milliseconds and one of allocated bytes per stage
/// (read body, probe, parse, index, score, previous, diff, pack, save), tagged <c>stage</c>. Any metrics
/// listener (OpenTelemetry, dotnet-counters, the bench's MeterListener) can read them; without one they cost
/// a timestamp per stage.
/// </summary>
public static class ApiIngestMetrics
{
    public const string MeterName = "BackendPortal.Apis";
    public const string DurationName = "portal.apis.ingest.stage.duration";
    public const string AllocatedName = "portal.apis.ingest.stage.allocated";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationName, "ms", "Time per stage of a spec upload.");
    private static readonly Histogram<long> Allocated = Meter.CreateHistogram<long>(AllocatedName, "By", "Managed bytes allocated (whole process) per stage of a spec upload.");

    /// <summary>Starts timing; each <see cref="Stages.Mark"/> records the time since the previous mark under a stage name.</summary>
    public static Stages Start() => new();

    public sealed class Stages
    {
        private long timestamp = Stopwatch.GetTimestamp();
        private long allocated = GC.GetTotalAllocatedBytes(false);

        public void Mark(string stage)
        {
            var now = Stopwatch.GetTimestamp();
            var bytes = GC.GetTotalAllocatedBytes(false);
            if (Duration.Enabled)
            {
                var tag = new KeyValuePair<string, object?>("stage", stage);
                Duration.Record(Stopwatch.GetElapsedTime(timestamp, now).TotalMilliseconds, tag);
                Allocated.Record(bytes - allocated, tag);
            }
            timestamp = now;
            allocated = bytes;
        }
    }
}
