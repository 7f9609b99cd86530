using System.Globalization;
using System.Text;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Databases;
using BackendPortal.Features.People;
using BackendPortal.Features.Services;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Teams;

namespace BackendPortal.Features.Search;

/// <summary>The searchable text of a catalog entity and how it is cut into terms.</summary>
public sealed record SearchDocument(string Kind, string Key, string Slug, string Name, string? Description, IReadOnlyList<string> Tags)
{
    public static SearchDocument? From(object entity) => entity switch
    {
        Service s => new(SearchKinds.Service, s.SlugKey, s.Slug, s.Name, s.Description, s.Tags),
        CatalogSystem s => new(SearchKinds.System, s.SlugKey, s.Slug, s.Name, s.Description, s.Tags),
        CatalogDatabase d => new(SearchKinds.Database, d.SlugKey, d.Slug, d.Name, d.Description, d.Tags),
        CatalogApi a => new(SearchKinds.Api, a.SlugKey, a.Slug, a.Name, a.Description, a.Tags),
        Team t => new(SearchKinds.Team, t.SlugKey, t.Slug, t.Name, t.Description, []),
        Person p => new(SearchKinds.Person, p.SlugKey, p.Slug, p.Name, p.Email, []),
        _ => null,
    };

    /// <summary>The properties whose change means the entity's terms must be rebuilt.</summary>
    public static IReadOnlyList<string> IndexedProperties { get; } = ["Slug", "SlugKey", "Name", "Description", "Tags", "Email"];

    public IEnumerable<SearchTerm> Terms()
    {
        var seen = new HashSet<(string, SearchField)>();
        IEnumerable<(string Term, SearchField Field)> All()
        {
            yield return (SearchText.Normalize(Slug), SearchField.Slug);
            yield return (SearchText.Normalize(Name), SearchField.Name);
            foreach (var word in SearchText.Words(Slug).Concat(SearchText.Words(Name)))
            {
                yield return (word, SearchField.Word);
            }
            foreach (var tag in Tags)
            {
                yield return (SearchText.Normalize(tag), SearchField.Tag);
                foreach (var word in SearchText.Words(tag))
                {
                    yield return (word, SearchField.Tag);
                }
            }
            foreach (var word in SearchText.Words(Description ?? "").Where(w => w.Length > 1).Take(200))
            {
                yield return (word, SearchField.Description);
            }
        }
        foreach (var (term, field) in All())
        {
            var cut = term.Length > SearchTerm.TermMaxLength ? term[..SearchTerm.TermMaxLength] : term;
            // A word already indexed with a stronger field adds nothing.
            if (cut.Length == 0 || seen.Any(s => s.Item1 == cut && s.Item2 <= field) || !seen.Add((cut, field)))
            {
                continue;
            }
            yield return new SearchTerm { Term = cut, Kind = Kind, Key = Key, Field = field };
        }
    }
}

public static class SearchText
{
    /// <summary>Lower case, accents removed, runs of white space as one space.</summary>
    public static string Normalize(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Letter-and-digit runs; camelCase is not split (slugs and names are already word-separated).</summary>
    public static IEnumerable<string> Words(string text)
    {
        var normal = Normalize(text);
        var start = -1;
        for (var i = 0; i <= normal.Length; i++)
        {
            var inWord = i < normal.Length && char.IsLetterOrDigit(normal[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return normal[start..i];
                start = -1;
            }
        }
    }

    /// <summary>
    /// The smallest string greater than every string starting with <paramref name="prefix"/>. Bumping
    /// the last character (rather than appending U+FFFF) also holds under SQL Server's collations.
    /// </summary>
    public static string UpperBound(string prefix) =>
        prefix[^1] == char.MaxValue ? prefix + char.MaxValue : prefix[..^1] + (char)(prefix[^1] + 1);
}
