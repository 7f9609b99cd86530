namespace BackendPortal.Features.Audit;

/// <summary>An audit entry as the API, the page and the CSV show it. Before/After are JSON text.</summary>
public sealed record AuditEntryDetails(
    long Id,
    DateTime At,
    string Action,
    string? ActorId,
    string ActorName,
    string? Ip,
    string? EntityType,
    string? EntityKey,
    string? Summary,
    string? Before,
    string? After);

/// <summary>
/// Actor matches the actor's id exactly or part of their name (e-mail); Action, EntityType and
/// EntityKey match exactly (ignoring case); Since is inclusive, Until exclusive.
/// </summary>
public sealed record AuditFilter(
    string? Actor = null,
    string? Action = null,
    string? EntityType = null,
    string? EntityKey = null,
    DateTime? Since = null,
    DateTime? Until = null);

/// <summary>Not bound to configuration: only the benchmark turns data-change entries off, to measure what they cost.</summary>
public sealed class AuditOptions
{
    public bool RecordDataChanges { get; set; } = true;
}
