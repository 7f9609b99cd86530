using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Data;

public static class AuditedEntityConfiguration
{
    public static void ConfigureAudit<T>(this EntityTypeBuilder<T> b) where T : AuditedEntity
    {
        b.Property(e => e.CreatedBy).HasMaxLength(256);
        b.Property(e => e.UpdatedBy).HasMaxLength(256);
        b.Property(e => e.Version).IsConcurrencyToken();
        b.Ignore(e => e.ETag);
    }

    /// <summary>The columns every catalog entity shares: a Backstage slug unique case-insensitively, a name, a description.</summary>
    public static void ConfigureCatalogName<T>(
        this EntityTypeBuilder<T> b,
        Expression<Func<T, string>> slug,
        Expression<Func<T, string>> slugKey,
        Expression<Func<T, string>> name,
        Expression<Func<T, string?>> description) where T : AuditedEntity
    {
        b.Property(slug).HasMaxLength(Slug.MaxLength);
        b.Property(slugKey).HasMaxLength(Slug.MaxLength);
        b.HasIndex(ToObject(slugKey)).IsUnique();
        b.Property(name).HasMaxLength(200);
        b.HasIndex(ToObject(name));
        b.Property(description).HasMaxLength(4000);
    }

    private static Expression<Func<T, object?>> ToObject<T>(Expression<Func<T, string>> e) =>
        Expression.Lambda<Func<T, object?>>(e.Body, e.Parameters);
}
