using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Apis;

public sealed class ApiSpecVersionConfiguration : IEntityTypeConfiguration<ApiSpecVersion>
{
    public void Configure(EntityTypeBuilder<ApiSpecVersion> b)
    {
        b.ToTable("ApiVersions");
        b.Property(v => v.Label).HasMaxLength(100).IsRequired();
        b.Property(v => v.SpecVersion).HasMaxLength(20);
        b.Property(v => v.Title).HasMaxLength(300);
        b.Property(v => v.CreatedBy).HasMaxLength(256);
        b.HasOne(v => v.Api).WithMany().HasForeignKey(v => v.ApiId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => new { v.ApiId, v.Label }).IsUnique();
        b.HasIndex(v => new { v.ApiId, v.Sequence }).IsUnique();
    }
}

public sealed class ApiUsageConfiguration : IEntityTypeConfiguration<ApiUsage>
{
    public void Configure(EntityTypeBuilder<ApiUsage> b)
    {
        b.ToTable("ApiUsages");
        b.HasKey(u => new { u.ServiceId, u.ApiId });
        b.Property(u => u.UpdatedBy).HasMaxLength(256);
        b.HasOne(u => u.Service).WithMany().HasForeignKey(u => u.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(u => u.Api).WithMany().HasForeignKey(u => u.ApiId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(u => u.ApiId);
        b.PrimitiveCollection(u => u.Operations);
    }
}
