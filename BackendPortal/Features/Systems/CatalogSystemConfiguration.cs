using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Systems;

public sealed class CatalogSystemConfiguration : IEntityTypeConfiguration<CatalogSystem>
{
    public void Configure(EntityTypeBuilder<CatalogSystem> b)
    {
        b.ToTable("Systems");
        // Members' SystemId keys are nulled by the app (ClientSetNull): SQL Server refuses the
        // multiple cascade paths a database-side SET NULL would create through the relation tables.
        b.ConfigureAudit();
        b.ConfigureCatalogName(s => s.Slug, s => s.SlugKey, s => s.Name, s => s.Description);
        b.HasOne(s => s.OwnerTeam).WithMany().HasForeignKey(s => s.OwnerTeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => new { s.OwnerTeamId, s.SlugKey });
        b.Property(s => s.Domain).HasMaxLength(Slug.MaxLength);
        b.PrimitiveCollection(s => s.Tags);
    }
}

public sealed class CatalogDomainConfiguration : IEntityTypeConfiguration<CatalogDomain>
{
    public void Configure(EntityTypeBuilder<CatalogDomain> b)
    {
        b.ToTable("Domains");
        b.ConfigureAudit();
        b.ConfigureCatalogName(d => d.Slug, d => d.SlugKey, d => d.Name, d => d.Description);
        b.HasOne(d => d.OwnerTeam).WithMany().HasForeignKey(d => d.OwnerTeamId).OnDelete(DeleteBehavior.Restrict);
        b.PrimitiveCollection(d => d.Tags);
    }
}

public sealed class CatalogResourceConfiguration : IEntityTypeConfiguration<CatalogResource>
{
    public void Configure(EntityTypeBuilder<CatalogResource> b)
    {
        b.ToTable("Resources");
        b.ConfigureAudit();
        b.ConfigureCatalogName(r => r.Slug, r => r.SlugKey, r => r.Name, r => r.Description);
        b.Property(r => r.Type).HasMaxLength(100);
        b.HasOne(r => r.OwnerTeam).WithMany().HasForeignKey(r => r.OwnerTeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(r => r.System).WithMany().HasForeignKey(r => r.SystemId).OnDelete(DeleteBehavior.ClientSetNull);
        b.PrimitiveCollection(r => r.Tags);
    }
}
