namespace BackendPortal.Features.Operations;

/// <summary>Settings under "HealthChecks" in appsettings.json.</summary>
public sealed class HealthOptions
{
    public const string Section = "HealthChecks";

    /// <summary>Smallest interval a check may ask for; tests lower it.</summary>
    public int MinIntervalSeconds { get; set; } = 10;

    public int MaxIntervalSeconds { get; set; } = 86400;

    /// <summary>Probes in flight at once in this instance.</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Off for tools that host the app without wanting background probes.</summary>
    public bool ProberEnabled { get; set; } = true;

    /// <summary>How often the prober looks for due checks.</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>
    /// Finished probes are recorded together once this long after the first of them, with one query and one
    /// SaveChanges; 0 records each probe on its own.
    /// </summary>
    public int RecordBatchMilliseconds { get; set; } = 250;

    /// <summary>Bytes of a response body read for keyword and JSON checks; the rest is never downloaded.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    public TimeSpan RawRetention { get; set; } = TimeSpan.FromHours(2);
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromHours(25);
    public TimeSpan HourRetention { get; set; } = TimeSpan.FromDays(31);
    public TimeSpan DayRetention { get; set; } = TimeSpan.FromDays(366);
    public TimeSpan StatusChangeRetention { get; set; } = TimeSpan.FromDays(366);
}
