using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.People;

public sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.ToTable("People");
        b.ConfigureAudit();
        b.Property(p => p.Slug).HasMaxLength(Slug.MaxLength);
        b.Property(p => p.SlugKey).HasMaxLength(Slug.MaxLength);
        b.HasIndex(p => p.SlugKey).IsUnique();
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Email).HasMaxLength(256);
        b.HasIndex(p => p.Email);
        b.HasOne(p => p.User).WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(p => p.UserId).IsUnique();
        b.Property(p => p.Title).HasMaxLength(200);
        b.Property(p => p.Level).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(p => p.Level);
    }
}
