using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Apis;

public sealed class CatalogApiConfiguration : IEntityTypeConfiguration<CatalogApi>
{
    public void Configure(EntityTypeBuilder<CatalogApi> b)
    {
        b.ToTable("Apis");
        b.ConfigureAudit();
        b.ConfigureCatalogName(a => a.Slug, a => a.SlugKey, a => a.Name, a => a.Description);
        b.Property(a => a.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Lifecycle).HasConversion<string>().HasMaxLength(16);
        b.HasOne(a => a.OwnerTeam).WithMany().HasForeignKey(a => a.OwnerTeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(a => new { a.OwnerTeamId, a.SlugKey });
        b.HasOne(a => a.System).WithMany().HasForeignKey(a => a.SystemId).OnDelete(DeleteBehavior.ClientSetNull);
        b.PrimitiveCollection(a => a.Tags);
    }
}
