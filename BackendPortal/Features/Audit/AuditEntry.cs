namespace BackendPortal.Features.Audit;

/// <summary>
/// One thing that happened. Append-only: the app has no way to change or remove an entry.
/// Before/After hold JSON snapshots for data changes.
/// </summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string Action { get; set; } = "";
    public string? ActorId { get; set; }
    public string ActorName { get; set; } = "";
    public string? Ip { get; set; }
    public string? EntityType { get; set; }
    public string? EntityKey { get; set; }
    public string? Summary { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}
