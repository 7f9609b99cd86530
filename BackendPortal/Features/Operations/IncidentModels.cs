namespace BackendPortal.Features.Operations;

public sealed class IncidentInput
{
    public string? Title { get; set; }
    public string? Severity { get; set; }
    public List<string>? Services { get; set; }

    /// <summary>A person's slug or a signed-in user's email.</summary>
    public string? Commander { get; set; }
}

public sealed class IncidentPatch
{
    public string? Status { get; set; }
    public string? Severity { get; set; }
    public string? Title { get; set; }
    public string? Commander { get; set; }
}

public sealed class IncidentNoteInput
{
    public string? Text { get; set; }
}

public sealed class PostmortemInput
{
    public string? Summary { get; set; }
    public string? Impact { get; set; }
    public string? RootCause { get; set; }
    public string? Notes { get; set; }
    public List<ActionItemInput>? ActionItems { get; set; }
}

public sealed class ActionItemInput
{
    public string? Text { get; set; }
    public string? Owner { get; set; }
    public DateOnly? DueDate { get; set; }
    public bool Done { get; set; }
}

public sealed record IncidentSummary(
    int Id,
    string Title,
    string Severity,
    string Status,
    IReadOnlyList<string> Services,
    DateTime OpenedAt,
    DateTime? AcknowledgedAt,
    DateTime? ResolvedAt,
    string? Commander,
    bool Automatic);

public sealed record IncidentEntryDetails(long Id, DateTime At, string Kind, string? Status, string Text, string Author);

public sealed record ActionItemDetails(int Id, string Text, string? Owner, DateOnly? DueDate, bool Done);

public sealed record PostmortemDetails(string? Summary, string? Impact, string? RootCause, string? Notes, IReadOnlyList<ActionItemDetails> ActionItems)
{
    public bool IsEmpty => Summary is null && Impact is null && RootCause is null && Notes is null && ActionItems.Count == 0;
}

public sealed record IncidentDetails(
    int Id,
    string Title,
    string Severity,
    string Status,
    IReadOnlyList<string> Services,
    DateTime OpenedAt,
    DateTime? AcknowledgedAt,
    DateTime? ResolvedAt,
    string? Commander,
    string? CommanderName,
    bool Automatic,
    IReadOnlyList<IncidentEntryDetails> Timeline,
    PostmortemDetails Postmortem,
    Guid Version)
{
    public string ETag => $"\"{Version:N}\"";
}

public sealed record IncidentFilter(string? Status, string? Service, string? Team = null);

/// <summary>Mean time to acknowledge and to resolve, over incidents opened in the window.</summary>
public sealed record IncidentMetrics(string Scope, string Key, int Incidents, int Open, double? MttaMinutes, double? MttrMinutes);

public static class IncidentText
{
    public static string Status(IncidentStatus s) => s.ToString().ToLowerInvariant();

    public static IncidentStatus? ParseStatus(string? s) =>
        Enum.TryParse<IncidentStatus>(s?.Trim(), ignoreCase: true, out var v) && Enum.IsDefined(v) && !int.TryParse(s, out _) ? v : null;

    public static IncidentSeverity? ParseSeverity(string? s) =>
        s?.Trim().ToUpperInvariant() is { Length: 4 } t && t.StartsWith("SEV", StringComparison.Ordinal)
        && Enum.TryParse<IncidentSeverity>(t, out var v) && Enum.IsDefined(v) ? v : null;

    public const string StatusRule = "status must be one of investigating, identified, monitoring, resolved.";
    public const string SeverityRule = "severity must be one of SEV1, SEV2, SEV3, SEV4 (SEV1 is the worst).";
}
