using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Audit;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.ActorId).HasMaxLength(450);
        b.Property(e => e.ActorName).HasMaxLength(256);
        b.Property(e => e.Ip).HasMaxLength(64);
        b.Property(e => e.EntityType).HasMaxLength(64);
        b.Property(e => e.EntityKey).HasMaxLength(256);
        b.Property(e => e.Summary).HasMaxLength(1000);
        b.HasIndex(e => e.At);
        b.HasIndex(e => new { e.Action, e.At });
        b.HasIndex(e => new { e.ActorName, e.At });
        b.HasIndex(e => new { e.EntityType, e.EntityKey, e.At });
    }
}
