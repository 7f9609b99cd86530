using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Search;

/// <summary>
/// One searchable word (or a whole slug or name) of one catalog entity. The entity is named by its
/// kind and slug key, which are known before the entity is saved, so the index rows go in the same
/// SaveChanges as the entity itself.
/// </summary>
public class SearchTerm
{
    public const int TermMaxLength = 64;

    public long Id { get; set; }
    public string Term { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Key { get; set; } = "";
    public SearchField Field { get; set; }
}

/// <summary>Where a term came from; lower is a stronger match.</summary>
public enum SearchField : byte
{
    Slug = 0,
    Name = 1,
    Word = 2,
    Tag = 3,
    Description = 4,
}

public static class SearchKinds
{
    public const string Service = "service";
    public const string System = "system";
    public const string Database = "database";
    public const string Api = "api";
    public const string Team = "team";
    public const string Person = "person";

    public static IReadOnlyList<string> All { get; } = [Service, System, Database, Api, Team, Person];
}

public sealed class SearchTermConfiguration : IEntityTypeConfiguration<SearchTerm>
{
    public void Configure(EntityTypeBuilder<SearchTerm> b)
    {
        b.ToTable("SearchTerms");
        b.Property(t => t.Term).HasMaxLength(SearchTerm.TermMaxLength);
        b.Property(t => t.Kind).HasMaxLength(16);
        b.Property(t => t.Key).HasMaxLength(Data.Slug.MaxLength);
        // Covering: a prefix range on Term answers from the index alone.
        b.HasIndex(t => new { t.Term, t.Kind, t.Key, t.Field });
        b.HasIndex(t => new { t.Kind, t.Key });
    }
}
