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
        b.Property(s => s.Type).HasMaxLength(50).HasDefaultValue("service");
        b.HasOne(s => s.System).WithMany().HasForeignKey(s => s.SystemId).OnDelete(DeleteBehavior.ClientSetNull);
    }
}

public sealed class ServiceDependencyConfiguration : IEntityTypeConfiguration<ServiceDependency>
{
    public void Configure(EntityTypeBuilder<ServiceDependency> b)
    {
        b.ToTable("ServiceDependencies");
        b.HasKey(d => new { d.ServiceId, d.DependsOnId });
        b.HasOne(d => d.Service).WithMany(s => s.DependsOn).HasForeignKey(d => d.ServiceId).OnDelete(DeleteBehavior.Cascade);
        // SQL Server refuses two cascade paths into one table; the service layer removes these rows before a delete.
        b.HasOne(d => d.DependsOn).WithMany().HasForeignKey(d => d.DependsOnId).OnDelete(DeleteBehavior.ClientCascade);
        b.HasIndex(d => d.DependsOnId);
    }
}

public sealed class ServiceDatabaseConfiguration : IEntityTypeConfiguration<ServiceDatabase>
{
    public void Configure(EntityTypeBuilder<ServiceDatabase> b)
    {
        b.ToTable("ServiceDatabases");
        b.HasKey(d => new { d.ServiceId, d.DatabaseId });
        b.HasOne(d => d.Service).WithMany(s => s.Databases).HasForeignKey(d => d.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(d => d.Database).WithMany().HasForeignKey(d => d.DatabaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => d.DatabaseId);
    }
}

public sealed class ServiceApiLinkConfiguration : IEntityTypeConfiguration<ServiceApiLink>
{
    public void Configure(EntityTypeBuilder<ServiceApiLink> b)
    {
        b.ToTable("ServiceApis");
        b.HasKey(d => new { d.ServiceId, d.ApiId, d.Role });
        b.Property(d => d.Role).HasConversion<string>().HasMaxLength(16);
        b.HasOne(d => d.Service).WithMany(s => s.Apis).HasForeignKey(d => d.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(d => d.Api).WithMany().HasForeignKey(d => d.ApiId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.ApiId, d.Role });
    }
}

public sealed class ServiceResourceConfiguration : IEntityTypeConfiguration<ServiceResource>
{
    public void Configure(EntityTypeBuilder<ServiceResource> b)
    {
        b.ToTable("ServiceResources");
        b.HasKey(d => new { d.ServiceId, d.ResourceId });
        b.HasOne(d => d.Service).WithMany(s => s.Resources).HasForeignKey(d => d.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(d => d.Resource).WithMany().HasForeignKey(d => d.ResourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => d.ResourceId);
    }
}
