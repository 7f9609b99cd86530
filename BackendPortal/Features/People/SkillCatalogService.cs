using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.People;

/// <summary>The skill catalog and the role levels: read by everyone, changed by admins.</summary>
public sealed class SkillCatalogService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    public async Task<IReadOnlyList<SkillDetails>> ListAsync(string? category = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Skills.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(category))
        {
            var c = category.Trim();
            query = query.Where(s => s.Category == c);
        }
        var rows = await query.Select(Project).ToListAsync(ct);
        return [.. rows.OrderBy(s => s.Category, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
    }

    public async Task<IReadOnlyList<string>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Skills.AsNoTracking().Select(s => s.Category).Distinct().ToListAsync(ct);
        return [.. rows.Order(StringComparer.OrdinalIgnoreCase)];
    }

    public async Task<SkillDetails> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        return await db.Skills.AsNoTracking().Where(s => s.SlugKey == key).Select(Project).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Skill '{slug}'");
    }

    public async Task<SkillDetails> CreateAsync(Actor actor, SkillInput input, CancellationToken ct = default)
    {
        RequireAdmin(actor, "change the skill catalog");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var skill = new Skill();
        Apply(skill, input);
        if (await db.Skills.AnyAsync(s => s.SlugKey == skill.SlugKey, ct))
        {
            throw new ConflictException(Duplicate(skill.Slug));
        }
        skill.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Skills.Add(skill);
        audit.AddDataChange(db, actor, AuditActions.EntityCreated, "skill", skill.Slug, $"Created skill '{skill.Slug}'", null, Snapshot(skill));
        await db.SaveCatalogChangesAsync(skill, $"Skill '{skill.Slug}'", Duplicate(skill.Slug), ct);
        return Snapshot(skill);
    }

    public async Task<SkillDetails> UpdateAsync(Actor actor, string slug, SkillInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        RequireAdmin(actor, "change the skill catalog");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var skill = await db.Skills.FirstOrDefaultAsync(s => s.SlugKey == key, ct) ?? throw new NotFoundException($"Skill '{slug}'");
        skill.ThrowIfChangedSince(expectedVersion, $"Skill '{skill.Slug}'");
        var readVersion = skill.Version;
        var before = Snapshot(skill);
        Apply(skill, input);
        if (skill.SlugKey != key && await db.Skills.AnyAsync(s => s.SlugKey == skill.SlugKey && s.Id != skill.Id, ct))
        {
            throw new ConflictException(Duplicate(skill.Slug));
        }
        skill.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Entry(skill).Property(s => s.Version).OriginalValue = readVersion;
        audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "skill", skill.Slug, $"Updated skill '{before.Slug}'", before, Snapshot(skill));
        await db.SaveCatalogChangesAsync(skill, $"Skill '{skill.Slug}'", Duplicate(skill.Slug), ct);
        return Snapshot(skill);
    }

    /// <summary>Deleting a skill removes every rating of it and every level expectation on it.</summary>
    public async Task DeleteAsync(Actor actor, string slug, Guid? expectedVersion, CancellationToken ct = default)
    {
        RequireAdmin(actor, "change the skill catalog");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var skill = await db.Skills.FirstOrDefaultAsync(s => s.SlugKey == key, ct) ?? throw new NotFoundException($"Skill '{slug}'");
        skill.ThrowIfChangedSince(expectedVersion, $"Skill '{skill.Slug}'");
        var ratings = await db.PersonSkills.CountAsync(r => r.SkillId == skill.Id, ct);
        audit.AddDataChange(db, actor, AuditActions.EntityDeleted, "skill", skill.Slug,
            $"Deleted skill '{skill.Slug}' and its {ratings} rating(s)", Snapshot(skill), null);
        db.Skills.Remove(skill);
        await db.SaveChangesAsync(ct);
    }

    // ---- levels -----------------------------------------------------------------------------------

    public async Task<IReadOnlyList<LevelDetails>> LevelsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LoadLevelsAsync(db, null, ct);
    }

    public async Task<LevelDetails> LevelAsync(string level, CancellationToken ct = default)
    {
        var parsed = CareerLevels.Parse(level) ?? throw new NotFoundException($"Level '{level}'");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await LoadLevelsAsync(db, parsed, ct)).FirstOrDefault() ?? throw new NotFoundException($"Level '{level}'");
    }

    public async Task<LevelDetails> UpdateLevelAsync(Actor actor, string level, LevelInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        RequireAdmin(actor, "change role levels");
        var parsed = CareerLevels.Parse(level) ?? throw new NotFoundException($"Level '{level}'");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.RoleLevels.Include(l => l.Expectations).FirstOrDefaultAsync(l => l.Level == parsed, ct)
            ?? throw new NotFoundException($"Level '{level}'");
        row.ThrowIfChangedSince(expectedVersion, $"Level '{CareerLevels.ToApi(parsed)}'");
        var readVersion = row.Version;
        var before = (await LoadLevelsAsync(db, parsed, ct))[0];

        var errors = new ValidationErrors();
        var name = Validate.Required(errors, "name", input.Name, 100);
        var description = Validate.Optional(errors, "description", input.Description, 4000);
        var skills = await db.Skills.AsNoTracking().Select(s => new { s.Id, s.SlugKey }).ToDictionaryAsync(s => s.SlugKey, s => s.Id, ct);
        var wanted = new Dictionary<int, int>();
        foreach (var (e, i) in (input.Expectations ?? []).Select((e, i) => (e, i)))
        {
            var field = $"expectations[{i}]";
            if (string.IsNullOrWhiteSpace(e.Skill))
            {
                errors.Add(field, "Each expectation needs a skill (the skill's slug).");
                continue;
            }
            if (!skills.TryGetValue(Slug.Key(e.Skill.Trim()), out var id))
            {
                errors.Add(field, $"There is no skill '{e.Skill.Trim()}'.");
                continue;
            }
            if (e.Minimum is not { } min || min is < 1 or > Proficiency.Max)
            {
                errors.Add(field, $"The minimum for '{e.Skill.Trim()}' must be 1 to {Proficiency.Max} ({string.Join(", ", Proficiency.Names.Skip(1))}).");
                continue;
            }
            if (!wanted.TryAdd(id, min))
            {
                errors.Add(field, $"'{e.Skill.Trim()}' is listed twice.");
            }
        }
        errors.ThrowIfAny();

        row.Name = name!;
        row.Description = description;
        row.Expectations.RemoveAll(e => !wanted.ContainsKey(e.SkillId));
        foreach (var (skillId, min) in wanted)
        {
            var existing = row.Expectations.FirstOrDefault(e => e.SkillId == skillId);
            if (existing is null)
            {
                row.Expectations.Add(new LevelExpectation { SkillId = skillId, MinimumProficiency = min });
            }
            else
            {
                existing.MinimumProficiency = min;
            }
        }
        row.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Entry(row).Property(l => l.Version).OriginalValue = readVersion;
        var slugs = skills.ToDictionary(s => s.Value, s => s.Key);
        var after = before with
        {
            Name = row.Name,
            Description = row.Description,
            Expectations = [.. wanted.Select(w => new LevelExpectationDetails(slugs[w.Key], slugs[w.Key], "", w.Value))],
            Version = row.Version,
        };
        audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "level", CareerLevels.ToApi(parsed), $"Updated level '{CareerLevels.ToApi(parsed)}'", before, after);
        await db.SaveCatalogChangesAsync(row, $"Level '{CareerLevels.ToApi(parsed)}'", "Another request changed this level at the same time; reload and try again.", ct);
        return (await LoadLevelsAsync(db, parsed, ct))[0];
    }

    private static async Task<List<LevelDetails>> LoadLevelsAsync(AppDbContext db, CareerLevel? only, CancellationToken ct)
    {
        var query = db.RoleLevels.AsNoTracking();
        if (only is { } l)
        {
            query = query.Where(r => r.Level == l);
        }
        var rows = await query.Select(r => new
        {
            r.Level,
            r.Name,
            r.Description,
            r.UpdatedAt,
            r.UpdatedBy,
            r.Version,
            Expectations = r.Expectations.Select(e => new LevelExpectationDetails(e.Skill.Slug, e.Skill.Name, e.Skill.Category, e.MinimumProficiency)).ToList(),
        }).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Level).Select(r => new LevelDetails(
            CareerLevels.ToApi(r.Level), r.Name, r.Description, (int)r.Level,
            [.. r.Expectations.OrderBy(e => e.Category, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase)],
            r.UpdatedAt, r.UpdatedBy, r.Version))];
    }

    private static void Apply(Skill skill, SkillInput input)
    {
        var errors = new ValidationErrors();
        var slug = Validate.Slug(errors, "slug", input.Slug);
        var name = Validate.Required(errors, "name", input.Name, 200);
        var category = Validate.Required(errors, "category", input.Category, 50);
        var description = Validate.Optional(errors, "description", input.Description, 4000);
        errors.ThrowIfAny();
        skill.Slug = slug!;
        skill.SlugKey = Slug.Key(slug!);
        skill.Name = name!;
        skill.Category = category!;
        skill.Description = description;
    }

    private static void RequireAdmin(Actor actor, string what)
    {
        if (!actor.IsAdmin)
        {
            throw new ForbiddenException($"Only admins can {what}.");
        }
    }

    private static SkillDetails Snapshot(Skill s) => new(s.Slug, s.Name, s.Category, s.Description, s.UpdatedAt, s.UpdatedBy, s.Version);

    private static readonly System.Linq.Expressions.Expression<Func<Skill, SkillDetails>> Project =
        s => new SkillDetails(s.Slug, s.Name, s.Category, s.Description, s.UpdatedAt, s.UpdatedBy, s.Version);

    private static string Duplicate(string slug) =>
        $"A skill with the slug '{slug}' already exists (slugs are compared ignoring case).";
}
