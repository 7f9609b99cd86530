namespace BackendPortal.Features.Operations;

public sealed class HealthCheckInput
{
    public string? Url { get; set; }
    public string? Method { get; set; }
    public int? IntervalSeconds { get; set; }
    public int? TimeoutSeconds { get; set; }
    public List<int>? ExpectedStatus { get; set; }
    public string? Keyword { get; set; }
    public string? JsonPath { get; set; }
    public string? JsonValue { get; set; }

    /// <summary>Omitted: keep the stored headers. A header whose value is null keeps its stored value. {} removes them all.</summary>
    public Dictionary<string, string?>? Headers { get; set; }
    public int? Retries { get; set; }
    public int? DegradedAboveMs { get; set; }
    public int? AutoIncidentAfterSeconds { get; set; }
    public bool? Enabled { get; set; }
}

public enum HealthTarget
{
    Service,
    Database,
}

/// <summary>A saved check as the API shows it: header names only, never their values.</summary>
public sealed record HealthCheckDetails(
    string Target,
    string Slug,
    string Url,
    string Method,
    int IntervalSeconds,
    int TimeoutSeconds,
    IReadOnlyList<int> ExpectedStatus,
    string? Keyword,
    string? JsonPath,
    string? JsonValue,
    IReadOnlyList<string> HeaderNames,
    int Retries,
    int? DegradedAboveMs,
    int? AutoIncidentAfterSeconds,
    bool Enabled,
    DateTime UpdatedAt,
    string UpdatedBy,
    DateTime NextDueAt);

/// <summary>Uptimes are percentages (0–100) of probes that found the target up or degraded; null without data.</summary>
public sealed record HealthSummary(
    string Status,
    DateTime? LastCheckedAt,
    int? LatencyMs,
    double? Uptime24h,
    double? Uptime7d,
    double? Uptime30d,
    int? LatencyP95Ms,
    string? Reason,
    DateTime? StatusSince,
    bool Configured);

public sealed record StatusBoardRow(
    string Target,
    string Slug,
    string Name,
    HealthStatus Status,
    DateTime? StatusSince,
    DateTime? LastCheckedAt,
    int? LatencyMs,
    string? Reason,
    double? Uptime24h,
    int? LatencyP95Ms,
    IReadOnlyList<int?> Sparkline);

public sealed record StatusCounts(int Up, int Degraded, int Down, int Unknown);

public sealed record HealthResultDetails(DateTime At, string Status, int? LatencyMs, string? Reason);
