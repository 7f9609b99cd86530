namespace BackendPortal.Features.People;

/// <summary>A person as the API shows them; <c>level</c> is junior, intermediate, senior, staff or null (not levelled yet).</summary>
public sealed record PersonDetails(
    string Slug,
    string Name,
    string? Title,
    string? Email,
    string? Level,
    IReadOnlyList<PersonTeam> Teams,
    bool HasAccount,
    string? Account,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    Guid Version)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"{Version:N}\"";
}

public sealed record PersonTeam(string Team, string Name, string Role);

/// <summary>What a caller sends to create or replace a person. <c>teams</c> are team slugs; new memberships join as members.</summary>
public sealed class PersonInput
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Title { get; set; }
    public string? Email { get; set; }
    public string? Level { get; set; }
    public List<string>? Teams { get; set; }

    /// <summary>
    /// E-mail of the sign-in account to link (admins only): absent leaves the link as it is, an empty string
    /// removes it. Shown back as <c>account</c>.
    /// </summary>
    public string? Account { get; set; }

    public static PersonInput From(PersonDetails p) => new()
    {
        Slug = p.Slug,
        Name = p.Name,
        Title = p.Title,
        Email = p.Email,
        Level = p.Level,
        Teams = [.. p.Teams.Select(t => t.Team)],
        Account = p.Account,
    };
}

/// <summary>List filter: text, team slug, level, and "knows <c>Skill</c> at <c>MinLevel</c> or better" (default working, 2).</summary>
public sealed record PeopleFilter(string? Q = null, string? Team = null, string? Level = null, string? Skill = null, int? MinLevel = null);

/// <summary>What the signed-in caller may do with one person; the pages show buttons from it, the services enforce the same rules.</summary>
public sealed record PersonPermissions(bool IsSelf, bool CanEditProfile, bool CanChangeLevel, bool CanRate, bool CanEndorse, bool CanDelete);

public sealed record SkillDetails(string Slug, string Name, string Category, string? Description, DateTime UpdatedAt, string UpdatedBy, Guid Version)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"{Version:N}\"";
}

public sealed class SkillInput
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Category { get; set; }
    public string? Description { get; set; }

    public static SkillInput From(SkillDetails s) => new() { Slug = s.Slug, Name = s.Name, Category = s.Category, Description = s.Description };
}

/// <summary>One rating of a person: <c>level</c> 0–4 with its word, who rated it, and a lead's endorsement when there is one.</summary>
public sealed record SkillRating(
    string Skill,
    string Name,
    string Category,
    int Level,
    string LevelName,
    DateTime RatedAt,
    string RatedBy,
    string? EndorsedBy,
    DateTime? EndorsedAt);

public sealed class SkillRatingInput
{
    public string? Skill { get; set; }
    public int? Level { get; set; }
}

public sealed record GapItem(string Skill, string Name, string Category, int Required, int Actual);

public sealed record GapResult(string Person, string Level, IReadOnlyList<GapItem> Missing, int Expected, int Met);

public sealed record LevelDetails(
    string Level,
    string Name,
    string? Description,
    int Rank,
    IReadOnlyList<LevelExpectationDetails> Expectations,
    DateTime UpdatedAt,
    string UpdatedBy,
    Guid Version)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"{Version:N}\"";
}

public sealed record LevelExpectationDetails(string Skill, string Name, string Category, int Minimum);

public sealed class LevelInput
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<LevelExpectationInput>? Expectations { get; set; }

    public static LevelInput From(LevelDetails l) => new()
    {
        Name = l.Name,
        Description = l.Description,
        Expectations = [.. l.Expectations.Select(e => new LevelExpectationInput { Skill = e.Skill, Minimum = e.Minimum })],
    };
}

public sealed class LevelExpectationInput
{
    public string? Skill { get; set; }
    public int? Minimum { get; set; }
}

public sealed record MatrixSkill(string Slug, string Name, string Category, int Coverage, int Rated);

/// <summary>A row of the matrix; <c>ratings</c> maps skill slug to 0–4 (absent: not rated).</summary>
public sealed record MatrixPerson(string Slug, string Name, string Role, string? Level, IReadOnlyDictionary<string, int> Ratings);

/// <summary>People × skills of one team. <c>coverage</c> counts members at working (2) or better.</summary>
public sealed record SkillsMatrix(
    string Team,
    string TeamName,
    string? Category,
    IReadOnlyList<string> Categories,
    IReadOnlyList<MatrixSkill> Skills,
    IReadOnlyList<MatrixPerson> People);

public sealed record PersonRef(string Slug, string Name);

/// <summary>One thing a service needs known: a language or a database engine, and the skill it maps to (null when the catalog has none).</summary>
public sealed record BusFactorRequirement(string Kind, string Source, string? Skill, int Qualified);

public sealed record BusFactorResult(
    string Service,
    string Owner,
    int BusFactor,
    IReadOnlyList<PersonRef> People,
    IReadOnlyList<string> Uncovered,
    IReadOnlyList<BusFactorRequirement> Requirements,
    bool AtRisk);

public sealed record BusFactorRisk(string Service, string Name, string Owner, string OwnerName, int BusFactor, IReadOnlyList<string> Uncovered);

public sealed record WhoKnowsRow(string Slug, string Name, string? Title, string? Level, int Proficiency, string? EndorsedBy, IReadOnlyList<string> Teams);
