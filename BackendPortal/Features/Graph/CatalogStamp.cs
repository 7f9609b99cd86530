using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Graph;

/// <summary>
/// One row whose version changes in the same SaveChanges as any change to the catalog's graph
/// (entities or relations). Every app instance compares it with the version of its cached graph.
/// </summary>
public class CatalogStamp
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    public Guid Version { get; set; }
}

public sealed class CatalogStampConfiguration : IEntityTypeConfiguration<CatalogStamp>
{
    public void Configure(EntityTypeBuilder<CatalogStamp> b)
    {
        b.ToTable("CatalogStamps");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasData(new CatalogStamp { Id = CatalogStamp.SingletonId, Version = Guid.Empty });
    }
}
