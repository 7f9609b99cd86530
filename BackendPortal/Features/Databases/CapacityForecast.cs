namespace BackendPortal.Features.Databases;

/// <summary>
/// Where the size is heading: a least-squares line through the recent samples. <see cref="Growing"/>
/// is false when the line is flat or falling (then there is no date); <see cref="FullAt"/> is when
/// the line meets the capacity (the latest sample's time when it is already there).
/// </summary>
public sealed record CapacityForecast(bool Growing, double BytesPerDay, DateTime? FullAt, string Summary)
{
    /// <summary>Below this growth (a thousandth of a percent of the size a day) the size counts as flat.</summary>
    public const double FlatFractionPerDay = 0.00001;

    public static CapacityForecast From(IReadOnlyList<SizePoint> samples, long? capacityBytes)
    {
        if (samples.Count < 2 || samples[^1].At == samples[0].At)
        {
            return new(false, 0, null, "Not enough samples yet: post at least two sizes at different times.");
        }
        var origin = samples[0].At;
        double n = samples.Count, sx = 0, sy = 0, sxx = 0, sxy = 0;
        foreach (var p in samples)
        {
            var x = (p.At - origin).TotalDays;
            double y = p.Bytes;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        var denominator = n * sxx - sx * sx;
        var slope = denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
        var intercept = (sy - slope * sx) / n;
        var latest = samples[^1];
        if (slope <= Math.Max(1, latest.Bytes * FlatFractionPerDay))
        {
            return new(false, slope, null, "Not growing: the size is flat or shrinking over the recent samples.");
        }
        if (capacityBytes is not { } capacity || capacity <= 0)
        {
            return new(true, slope, null, $"Growing by {Bytes.Format((long)slope)} a day; set a capacity to see when it fills up.");
        }
        var latestX = (latest.At - origin).TotalDays;
        var fittedNow = intercept + slope * latestX;
        if (latest.Bytes >= capacity || fittedNow >= capacity)
        {
            return new(true, slope, latest.At, "At capacity: the latest size has reached the capacity.");
        }
        var daysLeft = (capacity - fittedNow) / slope;
        // Beyond DateTime's range the answer is "never" for any practical purpose.
        var fullAt = daysLeft > 365 * 1000 ? (DateTime?)null : latest.At.AddDays(daysLeft);
        return new(true, slope, fullAt, fullAt is { } at
            ? $"Growing by {Bytes.Format((long)slope)} a day; capacity reached around {at:yyyy-MM-dd} ({Math.Ceiling(daysLeft):0} days)."
            : $"Growing by {Bytes.Format((long)slope)} a day; capacity is more than a thousand years away.");
    }
}

public static class Bytes
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    public static string Format(long? bytes)
    {
        if (bytes is not { } b)
        {
            return "—";
        }
        double value = b;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{b} B" : value.ToString(value >= 100 ? "0" : "0.#", System.Globalization.CultureInfo.InvariantCulture) + " " + Units[unit];
    }
}
