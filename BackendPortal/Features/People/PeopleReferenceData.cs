using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.People;

/// <summary>
/// The skill catalog and role levels every install starts with, from the backend engineer's role:
/// languages, SQL and databases, APIs, testing and debugging. Seeded at each start, idempotently:
/// skills only into an empty catalog (an admin's deletions stay deleted), levels when one is missing.
/// </summary>
public static class PeopleReferenceData
{
    public static readonly IReadOnlyList<(string Slug, string Name, string Category)> Skills =
    [
        ("java", "Java", "Languages"),
        ("python", "Python", "Languages"),
        ("ruby", "Ruby", "Languages"),
        ("csharp", "C#", "Languages"),
        ("go", "Go", "Languages"),
        ("javascript", "JavaScript", "Languages"),
        ("sql", "SQL", "Databases"),
        ("postgresql", "PostgreSQL", "Databases"),
        ("sqlserver", "SQL Server", "Databases"),
        ("mysql", "MySQL", "Databases"),
        ("rest-apis", "REST APIs", "APIs"),
        ("graphql", "GraphQL", "APIs"),
        ("grpc", "gRPC", "APIs"),
        ("openapi", "OpenAPI", "APIs"),
        ("unit-testing", "Unit testing", "Testing"),
        ("integration-testing", "Integration testing", "Testing"),
        ("load-testing", "Load testing", "Testing"),
        ("debugging", "Debugging", "Testing"),
        ("security", "Security", "Infrastructure"),
    ];

    /// <summary>Expectations rise with the level; each level lists its whole set (no inheritance to work out).</summary>
    public static readonly IReadOnlyList<(CareerLevel Level, string Name, string Description, (string Skill, int Minimum)[] Expects)> Levels =
    [
        (CareerLevel.Junior, "Junior", "Writes and tests server-side code with guidance.",
            [("sql", 1), ("rest-apis", 1), ("unit-testing", 1), ("debugging", 1)]),
        (CareerLevel.Intermediate, "Intermediate", "Delivers features on their own: code, queries, APIs and their tests.",
            [("sql", 2), ("rest-apis", 2), ("openapi", 1), ("unit-testing", 2), ("integration-testing", 1), ("debugging", 2), ("security", 1)]),
        (CareerLevel.Senior, "Senior", "Owns services end to end, designs APIs and schemas, leads incidents.",
            [("sql", 3), ("rest-apis", 3), ("openapi", 2), ("unit-testing", 3), ("integration-testing", 2), ("load-testing", 1), ("debugging", 3), ("security", 2)]),
        (CareerLevel.Staff, "Staff", "Sets technical direction across teams; the person others call for the hard problems.",
            [("sql", 4), ("rest-apis", 4), ("openapi", 3), ("unit-testing", 3), ("integration-testing", 3), ("load-testing", 2), ("debugging", 4), ("security", 3)]),
    ];

    public static async Task SeedAsync(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await db.Skills.AnyAsync(ct))
        {
            foreach (var (slug, name, category) in Skills)
            {
                var skill = new Skill { Slug = slug, SlugKey = Slug.Key(slug), Name = name, Category = category };
                skill.Stamp("system", now);
                db.Skills.Add(skill);
            }
            if (!await TrySaveAsync(db, ct))
            {
                return;
            }
        }
        var present = await db.RoleLevels.Select(l => l.Level).ToListAsync(ct);
        var missing = Levels.Where(l => !present.Contains(l.Level)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        var skillIds = await db.Skills.ToDictionaryAsync(s => s.SlugKey, s => s.Id, ct);
        foreach (var (level, name, description, expects) in missing)
        {
            var row = new RoleLevel { Level = level, Name = name, Description = description };
            row.Stamp("system", now);
            foreach (var (skill, minimum) in expects)
            {
                if (skillIds.TryGetValue(skill, out var id))
                {
                    row.Expectations.Add(new LevelExpectation { SkillId = id, MinimumProficiency = minimum });
                }
            }
            db.RoleLevels.Add(row);
        }
        await TrySaveAsync(db, ct);
    }

    private static async Task<bool> TrySaveAsync(AppDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance seeded the same rows first (unique index); theirs are as good as ours.
            return false;
        }
    }
}
