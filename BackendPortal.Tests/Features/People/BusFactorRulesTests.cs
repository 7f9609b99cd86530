using BackendPortal.Features.Databases;

namespace BackendPortal.Features.People;

public sealed class BusFactorRulesTests
{
    private static readonly List<BusFactorRules.CatalogSkill> Skills =
    [
        new(1, "csharp", "C#"), new(2, "go", "Go"), new(3, "javascript", "JavaScript"), new(4, "postgresql", "PostgreSQL"),
        new(5, "sqlserver", "SQL Server"), new(6, "mysql", "MySQL"), new(7, "sql", "SQL"), new(8, "java", "Java"),
    ];

    [Theory]
    [InlineData("C#", "csharp")]
    [InlineData("c#", "csharp")]
    [InlineData("CSharp", "csharp")]
    [InlineData("Go", "go")]
    [InlineData("golang", "go")]
    [InlineData("TypeScript", "javascript")]
    [InlineData("Node.js", "javascript")]
    [InlineData("SQL", "sql")]
    [InlineData("sql server", "sqlserver")]
    [InlineData("Java", "java")]
    public void Languages_match_skills_by_slug_name_or_alias_ignoring_case(string language, string skill) =>
        Assert.Equal(skill, BusFactorRules.Resolve(language, Skills)?.Slug);

    [Fact]
    public void TypeScript_prefers_a_typescript_skill_when_the_catalog_has_one_and_javascript_is_not_java()
    {
        List<BusFactorRules.CatalogSkill> withTs = [.. Skills, new(9, "typescript", "TypeScript")];
        Assert.Equal("typescript", BusFactorRules.Resolve("TypeScript", withTs)?.Slug);
        Assert.Equal("javascript", BusFactorRules.Resolve("JavaScript", Skills)?.Slug);
        Assert.Null(BusFactorRules.Resolve("Kotlin", Skills));
    }

    [Theory]
    [InlineData(DatabaseEngine.PostgreSql, "postgresql")]
    [InlineData(DatabaseEngine.SqlServer, "sqlserver")]
    [InlineData(DatabaseEngine.MySql, "mysql")]
    [InlineData(DatabaseEngine.MariaDb, "mysql")]
    [InlineData(DatabaseEngine.Redis, "redis")]
    [InlineData(DatabaseEngine.Other, null)]
    public void Engines_map_to_skill_slugs(DatabaseEngine engine, string? skill) =>
        Assert.Equal(skill, BusFactorRules.EngineSkill(engine));

    [Fact]
    public void Working_is_the_threshold_and_every_requirement_must_be_met()
    {
        var requirements = BusFactorRules.Requirements(["C#", "csharp"], [DatabaseEngine.SqlServer, DatabaseEngine.Other], Skills);
        Assert.Equal(["csharp", "sqlserver"], requirements.Select(r => r.Label));
        var members = new List<BusFactorRules.Member>
        {
            new(1, "at-working", "A", new Dictionary<int, int> { [1] = 2, [5] = 2 }),
            new(2, "learning-db", "B", new Dictionary<int, int> { [1] = 4, [5] = 1 }),
            new(3, "nothing", "C", new Dictionary<int, int>()),
        };
        var outcome = BusFactorRules.Compute(requirements, members);
        Assert.Equal(1, outcome.BusFactor);
        Assert.Equal("at-working", outcome.Qualified.Single().Slug);
        Assert.Empty(outcome.Uncovered);
        Assert.Equal(0, BusFactorRules.Compute(requirements, []).BusFactor);
        Assert.Equal(["csharp", "sqlserver"], BusFactorRules.Compute(requirements, []).Uncovered);
    }
}
