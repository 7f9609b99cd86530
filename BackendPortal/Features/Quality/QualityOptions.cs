namespace BackendPortal.Features.Quality;

/// <summary>The "Quality" section of appsettings.json.</summary>
public sealed class QualityOptions
{
    public const string Section = "Quality";

    /// <summary>Largest accepted test-run or load-test upload (all files of a multipart run together); larger is 413.</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>A test whose outcome flipped at least this many times in the last <see cref="FlakyWindow"/> runs is flaky.</summary>
    public int FlakyFlips { get; set; } = 3;

    /// <summary>How many recent runs of a suite the flip rule looks at.</summary>
    public int FlakyWindow { get; set; } = 10;

    /// <summary>A load test fails when its p95 is this many percent above the previous run's.</summary>
    public double RegressionPercent { get; set; } = 20;

    /// <summary>How long an Idempotency-Key is remembered (the draft asks for at least a day).</summary>
    public int IdempotencyKeyHours { get; set; } = 24;

    /// <summary>Deepest element nesting accepted in an uploaded XML document.</summary>
    public int MaxXmlDepth { get; set; } = 64;
}

public static class QualityLimits
{
    public const int SuiteLength = 100;
    public const int CommitLength = 64;
    public const int BranchLength = 200;
    public const int UrlLength = 2000;
    public const int ClassNameLength = 500;
    public const int NameLength = 1000;
    public const int MessageLength = 1000;
    public const int DetailsLength = 8000;

    public static string? Truncate(string? value, int max) =>
        value is null ? null : value.Length <= max ? value : value[..(max - 1)] + "…";
}
