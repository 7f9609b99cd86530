using BackendPortal.Features.Databases;

namespace BackendPortal.Features.People;

/// <summary>
/// The bus factor of a service: how many people of its owning team know every one of its languages and
/// the engines of its databases at working level (2) or better. A requirement the skill catalog has no
/// skill for, or that nobody in the team meets, is "uncovered".
/// </summary>
public static class BusFactorRules
{
    public const int RiskBelow = 2;

    public sealed record CatalogSkill(int Id, string Slug, string Name);

    public sealed record Requirement(string Kind, string Source, CatalogSkill? Skill)
    {
        /// <summary>What "uncovered" names: the skill's slug, or the language / engine as written when there is no skill.</summary>
        public string Label => Skill?.Slug ?? Source;
    }

    public sealed record Member(int PersonId, string Slug, string Name, IReadOnlyDictionary<int, int> Proficiency);

    /// <summary>
    /// Spellings that mean a catalog slug. TypeScript maps to a <c>typescript</c> skill when the catalog
    /// has one and to <c>javascript</c> otherwise: whoever can fix TypeScript can work in its output.
    /// </summary>
    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["c#"] = ["csharp"],
        ["c sharp"] = ["csharp"],
        ["dotnet"] = ["csharp"],
        [".net"] = ["csharp"],
        ["golang"] = ["go"],
        ["js"] = ["javascript"],
        ["node"] = ["javascript"],
        ["nodejs"] = ["javascript"],
        ["node.js"] = ["javascript"],
        ["typescript"] = ["typescript", "javascript"],
        ["ts"] = ["typescript", "javascript"],
        ["postgres"] = ["postgresql"],
        ["mssql"] = ["sqlserver"],
        ["sql server"] = ["sqlserver"],
        ["mariadb"] = ["mysql"],
    };

    /// <summary>The catalog skill a language or engine name means: slug or name ignoring case, then the aliases above.</summary>
    public static CatalogSkill? Resolve(string text, IReadOnlyList<CatalogSkill> skills)
    {
        var wanted = text.Trim();
        if (wanted.Length == 0)
        {
            return null;
        }
        var direct = skills.FirstOrDefault(s => string.Equals(s.Slug, wanted, StringComparison.OrdinalIgnoreCase))
            ?? skills.FirstOrDefault(s => string.Equals(s.Name, wanted, StringComparison.OrdinalIgnoreCase));
        if (direct is not null)
        {
            return direct;
        }
        if (Aliases.TryGetValue(wanted, out var slugs))
        {
            foreach (var slug in slugs)
            {
                var aliased = skills.FirstOrDefault(s => string.Equals(s.Slug, slug, StringComparison.OrdinalIgnoreCase));
                if (aliased is not null)
                {
                    return aliased;
                }
            }
        }
        return null;
    }

    /// <summary>The skill slug a database engine asks for; null for "other" (nothing to know about an unnamed engine).</summary>
    public static string? EngineSkill(DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.PostgreSql => "postgresql",
        DatabaseEngine.SqlServer => "sqlserver",
        DatabaseEngine.MySql or DatabaseEngine.MariaDb => "mysql",
        DatabaseEngine.MongoDb => "mongodb",
        DatabaseEngine.Redis => "redis",
        DatabaseEngine.Sqlite => "sqlite",
        DatabaseEngine.Oracle => "oracle",
        _ => null,
    };

    /// <summary>Languages first, then engines; one requirement per skill (MySQL and MariaDB databases ask for mysql once).</summary>
    public static List<Requirement> Requirements(IEnumerable<string> languages, IEnumerable<DatabaseEngine> engines, IReadOnlyList<CatalogSkill> skills)
    {
        var result = new List<Requirement>();
        void Add(string kind, string source)
        {
            var skill = Resolve(source, skills);
            var label = skill?.Slug ?? source;
            if (!result.Any(r => string.Equals(r.Label, label, StringComparison.OrdinalIgnoreCase)))
            {
                result.Add(new Requirement(kind, source, skill));
            }
        }
        foreach (var language in languages.Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            Add("language", language.Trim());
        }
        foreach (var engine in engines.Distinct())
        {
            if (EngineSkill(engine) is { } slug)
            {
                Add("database", slug);
            }
        }
        return result;
    }

    public sealed record Outcome(IReadOnlyList<Member> Qualified, IReadOnlyList<string> Uncovered, IReadOnlyList<(Requirement Requirement, int Qualified)> PerRequirement)
    {
        public int BusFactor => Qualified.Count;
    }

    /// <summary>A service that asks for nothing can be picked up by anyone in its team.</summary>
    public static Outcome Compute(IReadOnlyList<Requirement> requirements, IReadOnlyList<Member> members)
    {
        static bool Meets(Member m, Requirement r) =>
            r.Skill is { } s && m.Proficiency.TryGetValue(s.Id, out var p) && p >= Proficiency.Working;

        var qualified = members.Where(m => requirements.All(r => Meets(m, r))).ToList();
        var per = requirements.Select(r => (r, members.Count(m => Meets(m, r)))).ToList();
        var uncovered = per.Where(p => p.Item2 == 0).Select(p => p.r.Label).ToList();
        return new Outcome(qualified, uncovered, per);
    }
}
