using BackendPortal.Features.Apis.Spec;

namespace BackendPortal.Features.Apis;

/// <summary>An API as the endpoints and pages show it, with what its latest spec version says.</summary>
public sealed record ApiDetails(
    string Slug,
    string Name,
    string? Description,
    string Type,
    string Lifecycle,
    string Owner,
    string OwnerName,
    string? System,
    IReadOnlyList<string> Tags,
    string? Definition,
    string? LatestVersion,
    int? Score,
    int? OperationCount,
    int? LastBreakingChanges,
    int ConsumerCount,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    Guid Version)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"{Version:N}\"";
}

public sealed class ApiInput
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? Lifecycle { get; set; }
    public string? Owner { get; set; }
    public string? System { get; set; }
    public string? Description { get; set; }
    public string? Definition { get; set; }
    public List<string>? Tags { get; set; }

    public static ApiInput From(ApiDetails a) => new()
    {
        Slug = a.Slug,
        Name = a.Name,
        Type = a.Type,
        Lifecycle = a.Lifecycle,
        Owner = a.Owner,
        System = a.System,
        Description = a.Description,
        Definition = a.Definition,
        Tags = [.. a.Tags],
    };
}

public sealed record ApiFilter(
    string? Q = null, string? Owner = null, string? Type = null, string? Lifecycle = null, string? System = null, int? ScoreBelow = null);

public enum ApiSort
{
    Slug,
    Name,
    Owner,
    Type,
    Lifecycle,
    Score,
    UpdatedAt,
}

public static class ApiTypeNames
{
    public static readonly IReadOnlyList<string> All = ["openapi", "asyncapi", "graphql", "grpc"];

    public static string ToApi(ApiType type) => type.ToString().ToLowerInvariant();

    public static ApiType? Parse(string? value) =>
        Enum.TryParse<ApiType>(value?.Trim(), ignoreCase: true, out var t) && Enum.IsDefined(t) && !int.TryParse(value, out _) ? t : null;
}

public sealed record ApiVersionSummary(
    string Version, string SpecVersion, string? Title, int Operations, int Score, int Findings, int BreakingChanges, int Warnings,
    long SizeBytes, DateTime CreatedAt, string CreatedBy);

/// <summary>The answer to an upload (and to a dry run): what the version holds and what it changes.</summary>
public sealed record ApiIngestResult(
    string Version, string SpecVersion, int Operations, int Score, IReadOnlyList<SpecFinding> Findings,
    string? ComparedWith, IReadOnlyList<SpecChange> BreakingChanges, IReadOnlyList<SpecChange> Changes, bool DryRun);

public sealed record ApiScoreReport(
    string Version, int Score, IReadOnlyList<RuleOutcome> Rules, IReadOnlyList<SpecFinding> Findings);

public sealed record ApiDiffReport(string From, string To, IReadOnlyList<SpecChange> Changes);

public sealed record ApiUsageInput(string? Api, List<string>? Operations);

public sealed record ApiUsageDetails(string Api, IReadOnlyList<string> Operations);

public sealed record ApiConsumer(string Service, string Name, string Owner, IReadOnlyList<string> Operations);

/// <summary>One API on a service's usage panel: <see cref="LatestVersion"/> is null when no spec was uploaded yet.</summary>
public sealed record ServiceApiUsageRow(string Api, string Name, string? LatestVersion, IReadOnlyList<string> Operations);

/// <summary>A reference view's start: the version's label and either its stored first screen or (cached, or no head stored) the full index.</summary>
public sealed record ApiReferenceStart(string Version, SpecHead? Head, SpecIndex? Index);
