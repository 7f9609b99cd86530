using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Operations;

public sealed class HealthCheckConfiguration : IEntityTypeConfiguration<HealthCheck>
{
    public void Configure(EntityTypeBuilder<HealthCheck> b)
    {
        b.ToTable("HealthChecks");
        b.HasOne(c => c.Service).WithMany().HasForeignKey(c => c.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(c => c.Database).WithMany().HasForeignKey(c => c.DatabaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.ServiceId).IsUnique();
        b.HasIndex(c => c.DatabaseId).IsUnique();
        b.Property(c => c.Url).HasMaxLength(2048);
        b.Property(c => c.Method).HasMaxLength(8);
        b.PrimitiveCollection(c => c.ExpectedStatus);
        b.Property(c => c.Keyword).HasMaxLength(200);
        b.Property(c => c.JsonPath).HasMaxLength(200);
        b.Property(c => c.JsonValue).HasMaxLength(200);
        b.Property(c => c.HeadersJson).HasMaxLength(8000);
        b.Property(c => c.UpdatedBy).HasMaxLength(256);
        b.Property(c => c.LastReason).HasMaxLength(300);
        b.Property(c => c.LeaseOwner).HasMaxLength(64);
        b.HasIndex(c => c.NextDueAt);
    }
}

public sealed class HealthResultConfiguration : IEntityTypeConfiguration<HealthResult>
{
    public void Configure(EntityTypeBuilder<HealthResult> b)
    {
        b.ToTable("HealthResults");
        b.HasOne<HealthCheck>().WithMany().HasForeignKey(r => r.CheckId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Reason).HasMaxLength(300);
        b.HasIndex(r => new { r.CheckId, r.At });
    }
}

public sealed class HealthStatusChangeConfiguration : IEntityTypeConfiguration<HealthStatusChange>
{
    public void Configure(EntityTypeBuilder<HealthStatusChange> b)
    {
        b.ToTable("HealthStatusChanges");
        b.HasOne<HealthCheck>().WithMany().HasForeignKey(r => r.CheckId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Reason).HasMaxLength(300);
        b.HasIndex(r => new { r.CheckId, r.At });
    }
}

public sealed class HealthBucketConfiguration : IEntityTypeConfiguration<HealthBucket>
{
    public void Configure(EntityTypeBuilder<HealthBucket> b)
    {
        b.ToTable("HealthBuckets");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).ValueGeneratedNever();
    }
}

public sealed class HealthRollupMarkConfiguration : IEntityTypeConfiguration<HealthRollupMark>
{
    public void Configure(EntityTypeBuilder<HealthRollupMark> b)
    {
        b.ToTable("HealthRollupMarks");
        b.HasKey(x => x.Resolution);
        b.Property(x => x.Resolution).ValueGeneratedNever();
    }
}

public sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.ToTable("Incidents");
        b.ConfigureAudit();
        b.Property(i => i.Title).HasMaxLength(200);
        b.Property(i => i.Severity).HasConversion<string>().HasMaxLength(8);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(i => new { i.Status, i.Id });
        b.HasIndex(i => i.OpenedAt);
        b.HasOne(i => i.Commander).WithMany().HasForeignKey(i => i.CommanderId).OnDelete(DeleteBehavior.ClientSetNull);
        b.Property(i => i.PostmortemSummary).HasMaxLength(20000);
        b.Property(i => i.PostmortemImpact).HasMaxLength(20000);
        b.Property(i => i.PostmortemRootCause).HasMaxLength(20000);
        b.Property(i => i.PostmortemNotes).HasMaxLength(20000);
    }
}

public sealed class IncidentServiceConfiguration : IEntityTypeConfiguration<IncidentService>
{
    public void Configure(EntityTypeBuilder<IncidentService> b)
    {
        b.ToTable("IncidentServices");
        b.HasKey(x => new { x.IncidentId, x.ServiceId });
        b.HasOne(x => x.Incident).WithMany(i => i.Services).HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Service).WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.ServiceId);
    }
}

public sealed class IncidentEntryConfiguration : IEntityTypeConfiguration<IncidentEntry>
{
    public void Configure(EntityTypeBuilder<IncidentEntry> b)
    {
        b.ToTable("IncidentEntries");
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Text).HasMaxLength(4000);
        b.Property(e => e.Author).HasMaxLength(256);
        b.HasOne(e => e.Incident).WithMany(i => i.Entries).HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.IncidentId, e.At });
    }
}

public sealed class IncidentActionItemConfiguration : IEntityTypeConfiguration<IncidentActionItem>
{
    public void Configure(EntityTypeBuilder<IncidentActionItem> b)
    {
        b.ToTable("IncidentActionItems");
        b.Property(e => e.Text).HasMaxLength(1000);
        b.Property(e => e.Owner).HasMaxLength(200);
        b.HasOne(e => e.Incident).WithMany(i => i.ActionItems).HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class DeploymentConfiguration : IEntityTypeConfiguration<Deployment>
{
    public void Configure(EntityTypeBuilder<Deployment> b)
    {
        b.ToTable("Deployments");
        b.Property(d => d.Version).HasMaxLength(100);
        b.Property(d => d.Environment).HasMaxLength(50);
        b.Property(d => d.Commit).HasMaxLength(100);
        b.Property(d => d.RecordedBy).HasMaxLength(256);
        b.HasOne(d => d.Service).WithMany().HasForeignKey(d => d.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.ServiceId, d.At });
    }
}
