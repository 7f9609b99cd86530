using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Data;

public static class AuditedEntityConfiguration
{
    public static void ConfigureAudit<T>(this EntityTypeBuilder<T> b) where T : AuditedEntity
    {
        b.Property(e => e.CreatedBy).HasMaxLength(256);
        b.Property(e => e.UpdatedBy).HasMaxLength(256);
        b.Property(e => e.Version).IsConcurrencyToken();
        b.Ignore(e => e.ETag);
    }
}
