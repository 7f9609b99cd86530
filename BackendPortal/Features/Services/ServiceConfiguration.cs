using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Services;

public sealed class ServiceConfiguration : IEntityTypeConfiguration<Service>
{
    public void Configure(EntityTypeBuilder<Service> b)
    {
        b.ToTable("Services");
        b.ConfigureAudit();
        b.Property(s => s.Slug).HasMaxLength(Slug.MaxLength);
        b.Property(s => s.SlugKey).HasMaxLength(Slug.MaxLength);
        b.HasIndex(s => s.SlugKey).IsUnique();
        b.Property(s => s.Name).HasMaxLength(200);
        b.HasIndex(s => s.Name);
        b.Property(s => s.Description).HasMaxLength(4000);
        b.HasOne(s => s.OwnerTeam).WithMany().HasForeignKey(s => s.OwnerTeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => new { s.OwnerTeamId, s.SlugKey });
        b.Property(s => s.Lifecycle).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(s => new { s.Lifecycle, s.SlugKey });
        b.Property(s => s.Framework).HasMaxLength(100);
        b.Property(s => s.RepositoryUrl).HasMaxLength(2048);
        b.Property(s => s.RunbookUrl).HasMaxLength(2048);
        b.PrimitiveCollection(s => s.Languages);
        b.PrimitiveCollection(s => s.Tags);
    }
}
