namespace BackendPortal.Data;

/// <summary>
/// Base for every editable entity: who made and last changed it, and a concurrency token the
/// app renews on each save, so a stale edit is refused instead of silently overwriting.
/// </summary>
public abstract class AuditedEntity
{
    public int Id { get; set; }
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public Guid Version { get; set; }

    public void Stamp(string actor, DateTime utcNow)
    {
        if (Id == 0 && CreatedBy.Length == 0)
        {
            CreatedAt = utcNow;
            CreatedBy = actor;
        }
        UpdatedAt = utcNow;
        UpdatedBy = actor;
        Version = Guid.NewGuid();
    }

    public string ETag => $"\"{Version:N}\"";
}
