using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Features.People;
using BackendPortal.Features.Services;

namespace BackendPortal.Features.Operations;

public enum HealthStatus
{
    Unknown = 0,
    Up = 1,
    Degraded = 2,
    Down = 3,
}

/// <summary>
/// One probe definition for a service or a database (exactly one of the two), plus the prober's
/// running state. Configuration and state live on one row so claiming and recording stay one UPDATE.
/// </summary>
public class HealthCheck
{
    public int Id { get; set; }
    public int? ServiceId { get; set; }
    public Service? Service { get; set; }
    public int? DatabaseId { get; set; }
    public CatalogDatabase? Database { get; set; }

    public string Url { get; set; } = "";
    public string Method { get; set; } = "GET";
    public int IntervalSeconds { get; set; } = 60;
    public int TimeoutSeconds { get; set; } = 10;
    public List<int> ExpectedStatus { get; set; } = [];
    public string? Keyword { get; set; }
    public string? JsonPath { get; set; }
    public string? JsonValue { get; set; }

    /// <summary>Request headers as a JSON object. Write-only: the API and the pages only ever show the names.</summary>
    public string? HeadersJson { get; set; }
    public int Retries { get; set; }
    public int? DegradedAboveMs { get; set; }
    public int? AutoIncidentAfterSeconds { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public HealthStatus Status { get; set; }
    public DateTime? StatusSince { get; set; }
    public DateTime? LastCheckedAt { get; set; }
    public int? LastLatencyMs { get; set; }
    public string? LastReason { get; set; }
    public int ConsecutiveFailures { get; set; }
    public DateTime NextDueAt { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public string? LeaseOwner { get; set; }
}

/// <summary>One probe outcome, kept for a short window (HealthOptions.RawRetention) before only buckets remain.</summary>
public class HealthResult
{
    public long Id { get; set; }
    public int CheckId { get; set; }
    public DateTime At { get; set; }
    public HealthStatus Status { get; set; }
    public int? LatencyMs { get; set; }
    public string? Reason { get; set; }
}

/// <summary>Every status flip, kept a year: the timeline and the MTTR of checks read these, not raw results.</summary>
public class HealthStatusChange
{
    public long Id { get; set; }
    public int CheckId { get; set; }
    public DateTime At { get; set; }
    public HealthStatus From { get; set; }
    public HealthStatus To { get; set; }
    public string? Reason { get; set; }
}

/// <summary>
/// Aggregated results of one check over a minute, an hour or a day. The key packs check, resolution
/// and period (see <see cref="BucketKey"/>) so the table is a single clustered integer key with no
/// secondary index: that is most of why 90 days of 1,000 checks stay small.
/// </summary>
public class HealthBucket
{
    public long Key { get; set; }
    public int Total { get; set; }
    public int Up { get; set; }
    public int Degraded { get; set; }
    public int Down { get; set; }
    public long LatencySumMs { get; set; }
    public int LatencyCount { get; set; }
    public int LatencyMaxMs { get; set; }
    public int LatencyP95Ms { get; set; }
}

public enum BucketResolution
{
    Minute = 1,
    Hour = 2,
    Day = 3,
}

/// <summary>How far each rollup has got; recomputing a bucket is idempotent, so two instances may both run it.</summary>
public class HealthRollupMark
{
    public BucketResolution Resolution { get; set; }
    public DateTime DoneUntil { get; set; }
}

public enum IncidentSeverity
{
    SEV1 = 1,
    SEV2 = 2,
    SEV3 = 3,
    SEV4 = 4,
}

public enum IncidentStatus
{
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

public class Incident : AuditedEntity
{
    public string Title { get; set; } = "";
    public IncidentSeverity Severity { get; set; }
    public IncidentStatus Status { get; set; }
    public DateTime OpenedAt { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public int? CommanderId { get; set; }
    public Person? Commander { get; set; }

    /// <summary>Set when the prober opened it; its service's recovery is written to this incident's timeline.</summary>
    public int? OpenedByCheckId { get; set; }
    public string? PostmortemSummary { get; set; }
    public string? PostmortemImpact { get; set; }
    public string? PostmortemRootCause { get; set; }
    public string? PostmortemNotes { get; set; }
    public List<IncidentService> Services { get; set; } = [];
    public List<IncidentEntry> Entries { get; set; } = [];
    public List<IncidentActionItem> ActionItems { get; set; } = [];
}

public class IncidentService
{
    public int IncidentId { get; set; }
    public Incident Incident { get; set; } = null!;
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
}

public enum IncidentEntryKind
{
    Opened,
    StatusChanged,
    Note,
    Health,
    Postmortem,
}

public class IncidentEntry
{
    public long Id { get; set; }
    public int IncidentId { get; set; }
    public Incident Incident { get; set; } = null!;
    public DateTime At { get; set; }
    public IncidentEntryKind Kind { get; set; }
    public IncidentStatus? Status { get; set; }
    public string Text { get; set; } = "";
    public string Author { get; set; } = "";
}

public class IncidentActionItem
{
    public int Id { get; set; }
    public int IncidentId { get; set; }
    public Incident Incident { get; set; } = null!;
    public string Text { get; set; } = "";
    public string? Owner { get; set; }
    public DateOnly? DueDate { get; set; }
    public bool Done { get; set; }
}

public class Deployment
{
    public long Id { get; set; }
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public string Version { get; set; } = "";
    public string Environment { get; set; } = "";
    public string? Commit { get; set; }
    public DateTime At { get; set; }
    public DateTime RecordedAt { get; set; }
    public string RecordedBy { get; set; } = "";
}
