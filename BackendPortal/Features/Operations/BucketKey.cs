namespace BackendPortal.Features.Operations;

/// <summary>
/// Packs (check, resolution, period index) into one long: check in the high bits, then two bits of
/// resolution, then 32 bits of periods since 2020-01-01. One check's buckets of one resolution are a
/// contiguous key range, so reading a history is a range scan of the clustered key.
/// </summary>
public static class BucketKey
{
    public static readonly DateTime Epoch = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const int PeriodBits = 32;
    private const long PeriodMask = (1L << PeriodBits) - 1;

    public static long Make(int checkId, BucketResolution resolution, DateTime periodStart) =>
        ((long)checkId << (PeriodBits + 2)) | ((long)resolution << PeriodBits) | Index(resolution, periodStart);

    public static long Index(BucketResolution resolution, DateTime at)
    {
        var elapsed = at - Epoch;
        return resolution switch
        {
            BucketResolution.Minute => (long)elapsed.TotalMinutes,
            BucketResolution.Hour => (long)elapsed.TotalHours,
            _ => (long)elapsed.TotalDays,
        };
    }

    public static int CheckId(long key) => (int)(key >> (PeriodBits + 2));

    public static BucketResolution Resolution(long key) => (BucketResolution)((key >> PeriodBits) & 3);

    public static DateTime Start(long key)
    {
        var index = key & PeriodMask;
        return Resolution(key) switch
        {
            BucketResolution.Minute => Epoch.AddMinutes(index),
            BucketResolution.Hour => Epoch.AddHours(index),
            _ => Epoch.AddDays(index),
        };
    }

    public static TimeSpan Length(BucketResolution resolution) => resolution switch
    {
        BucketResolution.Minute => TimeSpan.FromMinutes(1),
        BucketResolution.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    public static DateTime Floor(BucketResolution resolution, DateTime at) => Epoch + Length(resolution) * Index(resolution, at);

    /// <summary>Keys of one check and resolution with period start in [from, to).</summary>
    public static (long From, long To) Range(int checkId, BucketResolution resolution, DateTime from, DateTime to) =>
        (Make(checkId, resolution, from < Epoch ? Epoch : from), Make(checkId, resolution, to < Epoch ? Epoch : to));

    /// <summary>The period part of a key, for pruning across all checks.</summary>
    public static long PeriodModulus => 1L << PeriodBits;
}
