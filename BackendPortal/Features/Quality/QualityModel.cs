using BackendPortal.Data;
using BackendPortal.Features.Services;

namespace BackendPortal.Features.Quality;

public enum TestOutcome : byte
{
    Passed = 0,
    Failed = 1,
    Error = 2,
    Skipped = 3,
}

/// <summary>One posted test run: the counts are computed from its test cases, never taken from the file's attributes.</summary>
public class TestRun
{
    public long Id { get; set; }
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public string Suite { get; set; } = "";
    public string? Commit { get; set; }
    public string? Branch { get; set; }
    public string? BuildUrl { get; set; }
    public string Format { get; set; } = "";
    public int FileCount { get; set; }
    public int Total { get; set; }
    public int Passed { get; set; }
    public int Failed { get; set; }
    public int Errors { get; set; }
    public int Skipped { get; set; }
    public long DurationMs { get; set; }
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

/// <summary>
/// One test case's result in a run. The test's identity (service, suite, class, name) is kept on the
/// row with a 64-bit key over it, so history and flakiness are one indexed lookup.
/// </summary>
public class TestResult
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public TestRun Run { get; set; } = null!;
    public int ServiceId { get; set; }
    public long TestKey { get; set; }
    public string ClassName { get; set; } = "";
    public string Name { get; set; } = "";
    public TestOutcome Outcome { get; set; }
    public double DurationMs { get; set; }

    /// <summary>The test failed and then passed on a rerun in the same run (Surefire flakyFailure/flakyError).</summary>
    public bool FlakyInRun { get; set; }
    public string? Message { get; set; }
    public string? Details { get; set; }
}

/// <summary>A test that the flaky rules picked up at least once, with the team's quarantine decision.</summary>
public class FlakyTest
{
    public int Id { get; set; }
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public string Suite { get; set; } = "";
    public long TestKey { get; set; }
    public string ClassName { get; set; } = "";
    public string Name { get; set; } = "";
    public bool IsFlaky { get; set; }
    public string Reason { get; set; } = "";
    public int Flips { get; set; }
    public int Window { get; set; }
    public double FlipRate { get; set; }
    public DateTime FirstSeenAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public bool Quarantined { get; set; }
    public string? QuarantineNote { get; set; }
    public string? QuarantinedBy { get; set; }
    public DateTime? QuarantinedAt { get; set; }
    public Guid Version { get; set; }
}

/// <summary>
/// A claimed Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header). The unique row is the
/// lock: whoever inserts it first processes the request, on any instance sharing the database.
/// </summary>
public class IdempotencyRecord
{
    public long Id { get; set; }
    public string Scope { get; set; } = "";
    public string Key { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public bool Completed { get; set; }
    public int StatusCode { get; set; }
    public string? ResponseJson { get; set; }
    public string? Location { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}

public class LoadTestRun
{
    public long Id { get; set; }
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public string? Name { get; set; }
    public string? Commit { get; set; }
    public string Shape { get; set; } = "";
    public double? AvgMs { get; set; }
    public double? MinMs { get; set; }
    public double? MedMs { get; set; }
    public double? MaxMs { get; set; }
    public double? P90Ms { get; set; }
    public double? P95Ms { get; set; }
    public double? P99Ms { get; set; }
    public long? Requests { get; set; }
    public double? Rps { get; set; }
    public double? ErrorRate { get; set; }
    public double? ChecksPassRate { get; set; }
    public long? Iterations { get; set; }
    public long? VusMax { get; set; }
    public string ThresholdsJson { get; set; } = "[]";
    public bool Passed { get; set; }
    public string ReasonsJson { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

public class LoadTestBudget
{
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public double? P95Ms { get; set; }
    public double? MaxErrorRate { get; set; }
    public double? MinRps { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}
