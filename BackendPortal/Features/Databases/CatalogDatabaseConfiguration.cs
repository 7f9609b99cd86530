using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Databases;

public sealed class CatalogDatabaseConfiguration : IEntityTypeConfiguration<CatalogDatabase>
{
    public void Configure(EntityTypeBuilder<CatalogDatabase> b)
    {
        b.ToTable("Databases");
        b.ConfigureAudit();
        b.ConfigureCatalogName(d => d.Slug, d => d.SlugKey, d => d.Name, d => d.Description);
        b.Property(d => d.Engine).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.EngineVersion).HasMaxLength(50);
        b.Property(d => d.Environment).HasConversion<string>().HasMaxLength(16);
        b.HasOne(d => d.OwnerTeam).WithMany().HasForeignKey(d => d.OwnerTeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(d => new { d.OwnerTeamId, d.SlugKey });
        b.HasIndex(d => new { d.Engine, d.SlugKey });
        b.HasIndex(d => new { d.Environment, d.SlugKey });
        b.HasOne(d => d.System).WithMany().HasForeignKey(d => d.SystemId).OnDelete(DeleteBehavior.ClientSetNull);
        b.Property(d => d.Host).HasMaxLength(500);
        b.PrimitiveCollection(d => d.Tags);
    }
}

public sealed class DatabaseMigrationConfiguration : IEntityTypeConfiguration<DatabaseMigration>
{
    public void Configure(EntityTypeBuilder<DatabaseMigration> b)
    {
        b.ToTable("DatabaseMigrations");
        b.HasOne(m => m.Database).WithMany().HasForeignKey(m => m.DatabaseId).OnDelete(DeleteBehavior.Cascade);
        b.Property(m => m.Environment).HasMaxLength(64);
        b.Property(m => m.MigrationId).HasMaxLength(300);
        b.Property(m => m.Description).HasMaxLength(2000);
        b.Property(m => m.AppliedBy).HasMaxLength(256);
        b.HasIndex(m => new { m.DatabaseId, m.Environment, m.MigrationId }).IsUnique();
    }
}

public sealed class DatabaseSizeSampleConfiguration : IEntityTypeConfiguration<DatabaseSizeSample>
{
    public void Configure(EntityTypeBuilder<DatabaseSizeSample> b)
    {
        b.ToTable("DatabaseSizeSamples");
        b.HasOne(s => s.Database).WithMany().HasForeignKey(s => s.DatabaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.DatabaseId, s.At });
    }
}

public sealed class SlowQuerySampleConfiguration : IEntityTypeConfiguration<SlowQuerySample>
{
    public void Configure(EntityTypeBuilder<SlowQuerySample> b)
    {
        b.ToTable("SlowQuerySamples");
        b.HasOne(s => s.Database).WithMany().HasForeignKey(s => s.DatabaseId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.Fingerprint).HasMaxLength(64);
        b.Property(s => s.NormalizedQuery).HasMaxLength(8000);
        b.HasIndex(s => new { s.DatabaseId, s.Fingerprint, s.ReportedAt });
        b.HasIndex(s => new { s.DatabaseId, s.ReportedAt });
    }
}

public sealed class DatabaseBackupConfiguration : IEntityTypeConfiguration<DatabaseBackup>
{
    public void Configure(EntityTypeBuilder<DatabaseBackup> b)
    {
        b.ToTable("DatabaseBackups");
        b.HasOne(s => s.Database).WithMany().HasForeignKey(s => s.DatabaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.DatabaseId, s.At });
    }
}
