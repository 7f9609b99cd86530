using BackendPortal.Data;
using BackendPortal.Features.Teams;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.People;

/// <summary>Read-only views over ratings: a team's skills matrix, "who knows X", and bus factors.</summary>
public sealed class SkillInsightsService(IDbContextFactory<AppDbContext> dbFactory, BusFactorRiskCache riskCache)
{
    public async Task<SkillsMatrix> MatrixAsync(string teamSlug, string? category = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(teamSlug);
        var team = await db.Teams.AsNoTracking().Where(t => t.SlugKey == key).Select(t => new { t.Id, t.Slug, t.Name }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Team '{teamSlug}'");
        var allSkills = await db.Skills.AsNoTracking().Select(s => new { s.Id, s.Slug, s.Name, s.Category }).ToListAsync(ct);
        var categories = allSkills.Select(s => s.Category).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var wanted = string.IsNullOrWhiteSpace(category) ? null : category.Trim();
        var skills = allSkills
            .Where(s => wanted is null || string.Equals(s.Category, wanted, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Category, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var column = skills.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var filterIds = wanted is null ? null : skills.Select(s => s.Id).ToList();
        var members = await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == team.Id)
            .Select(m => new { m.PersonId, m.Person.Slug, m.Person.Name, m.Role, m.Person.Level })
            .ToListAsync(ct);
        // Two flat queries: a members-with-ratings projection repeats each member's columns for every rating and
        // made the 200 × 60 matrix twice as slow in the people bench (p95 36 → 82 ms).
        var ratingQuery = db.TeamMembers.AsNoTracking().Where(m => m.TeamId == team.Id).SelectMany(m => m.Person.Skills);
        if (filterIds is not null)
        {
            ratingQuery = ratingQuery.Where(r => filterIds.Contains(r.SkillId));
        }
        var ratings = (await ratingQuery.Select(r => new { r.PersonId, r.SkillId, r.Proficiency }).ToListAsync(ct)).ToLookup(r => r.PersonId);
        var coverage = new int[skills.Count];
        var rated = new int[skills.Count];
        var cells = new Dictionary<int, Dictionary<string, int>>();
        foreach (var m in members)
        {
            foreach (var r in ratings[m.PersonId])
            {
                if (!column.TryGetValue(r.SkillId, out var c))
                {
                    continue;
                }
                if (!cells.TryGetValue(m.PersonId, out var row))
                {
                    cells[m.PersonId] = row = new Dictionary<string, int>(skills.Count);
                }
                if (row.TryAdd(skills[c].Slug, r.Proficiency))
                {
                    coverage[c] += r.Proficiency >= Proficiency.Working ? 1 : 0;
                    rated[c] += r.Proficiency > 0 ? 1 : 0;
                }
            }
        }
        var none = new Dictionary<string, int>();
        var people = members
            .OrderByDescending(m => m.Role).ThenBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(m => new MatrixPerson(m.Slug, m.Name, m.Role == TeamRole.Lead ? "lead" : "member", CareerLevels.ToApi(m.Level),
                cells.TryGetValue(m.PersonId, out var row) ? row : none))
            .ToList();
        var matrixSkills = skills.Select((s, i) => new MatrixSkill(s.Slug, s.Name, s.Category, coverage[i], rated[i])).ToList();
        return new SkillsMatrix(team.Slug, team.Name, wanted, categories, matrixSkills, people);
    }

    /// <summary>People who rate <paramref name="skill"/> at <paramref name="minLevel"/> or better, strongest first.</summary>
    public async Task<GridPage<WhoKnowsRow>> WhoKnowsAsync(string skill, int minLevel, int skip, int take, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (!Proficiency.IsValid(minLevel))
        {
            errors.Add("minLevel", "minLevel must be 0 to 4 (none, learning, working, strong, expert).");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(skill.Trim());
        var skillId = await db.Skills.Where(s => s.SlugKey == key).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
        if (skillId is null)
        {
            errors.Add("skill", $"There is no skill '{skill.Trim()}'.");
        }
        errors.ThrowIfAny();
        var query = db.PersonSkills.AsNoTracking().Where(r => r.SkillId == skillId && r.Proficiency >= minLevel);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(r => r.Proficiency).ThenBy(r => r.Person.Name)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit))
            .Select(r => new
            {
                r.Person.Slug,
                r.Person.Name,
                r.Person.Title,
                r.Person.Level,
                r.Proficiency,
                r.EndorsedBy,
                Teams = r.Person.Memberships.Select(m => m.Team.Name).ToList(),
            })
            .ToListAsync(ct);
        return new GridPage<WhoKnowsRow>(
            [.. rows.Select(r => new WhoKnowsRow(r.Slug, r.Name, r.Title, CareerLevels.ToApi(r.Level), r.Proficiency, r.EndorsedBy, [.. r.Teams.Order(StringComparer.CurrentCultureIgnoreCase)]))],
            total);
    }

    public async Task<BusFactorResult> BusFactorAsync(string serviceSlug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(serviceSlug);
        var service = await db.Services.AsNoTracking().Where(s => s.SlugKey == key)
            .Select(s => new ServiceRow(s.Id, s.Slug, s.Name, s.OwnerTeamId, s.OwnerTeam.Slug, s.OwnerTeam.Name, s.Languages))
            .FirstOrDefaultAsync(ct) ?? throw new NotFoundException($"Service '{serviceSlug}'");
        var results = await ComputeAsync(db, [service], ct);
        return results[0];
    }

    /// <summary>Services whose bus factor is under 2, worst first; only the given team's when <paramref name="teamSlug"/> is set.</summary>
    public async Task<IReadOnlyList<BusFactorRisk>> RisksAsync(string? teamSlug = null, CancellationToken ct = default)
    {
        var all = await riskCache.GetAsync(ct);
        if (string.IsNullOrWhiteSpace(teamSlug))
        {
            return all;
        }
        var teamKey = Slug.Key(teamSlug.Trim());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owner = await db.Teams.AsNoTracking().Where(t => t.SlugKey == teamKey).Select(t => t.Slug).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Team '{teamSlug}'");
        return [.. all.Where(r => string.Equals(r.Owner, owner, StringComparison.Ordinal))];
    }

    /// <summary>One keyset page of <see cref="RisksAsync"/>: the cursor is the last row's bus factor and service slug key.</summary>
    public async Task<Page<BusFactorRisk>> RisksPageAsync(string? teamSlug, PageRequest page, CancellationToken ct = default)
    {
        var risks = await RisksAsync(teamSlug, ct);
        IEnumerable<BusFactorRisk> rest = risks;
        if (page.After is { } after)
        {
            var colon = after.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !int.TryParse(after.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var lastFactor))
            {
                throw new ValidationFailedException(new Dictionary<string, string[]>
                {
                    ["cursor"] = ["cursor is not one this server issued; use the nextCursor of a previous page."],
                });
            }
            var lastKey = after[(colon + 1)..];
            rest = risks.Where(r => r.BusFactor > lastFactor
                || (r.BusFactor == lastFactor && string.CompareOrdinal(Slug.Key(r.Service), lastKey) > 0));
        }
        var items = rest.Take(page.Limit + 1).ToList();
        string? next = null;
        if (items.Count > page.Limit)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            next = PageRequest.EncodeCursor(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{last.BusFactor}:{Slug.Key(last.Service)}"));
        }
        return new Page<BusFactorRisk>(items, next, risks.Count);
    }

    /// <summary>Every service's bus factor, in one pass over the organisation; what <see cref="BusFactorRiskCache"/> holds.</summary>
    internal static async Task<IReadOnlyList<BusFactorRisk>> ComputeRisksAsync(IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var services = await db.Services.AsNoTracking()
            .Select(s => new ServiceRow(s.Id, s.Slug, s.Name, s.OwnerTeamId, s.OwnerTeam.Slug, s.OwnerTeam.Name, s.Languages))
            .ToListAsync(ct);
        var results = await ComputeAsync(db, services, ct, everything: true);
        var names = services.ToDictionary(s => s.Slug, s => (s.Name, s.OwnerName));
        return [.. results.Where(r => r.AtRisk)
            .OrderBy(r => r.BusFactor).ThenBy(r => Slug.Key(r.Service), StringComparer.Ordinal)
            .Select(r => new BusFactorRisk(r.Service, names[r.Service].Name, r.Owner, names[r.Service].OwnerName, r.BusFactor, r.Uncovered))];
    }

    private sealed record ServiceRow(int Id, string Slug, string Name, int OwnerTeamId, string Owner, string OwnerName, List<string> Languages);

    private static async Task<List<BusFactorResult>> ComputeAsync(AppDbContext db, List<ServiceRow> services, CancellationToken ct, bool everything = false)
    {
        if (services.Count == 0)
        {
            return [];
        }
        var serviceIds = services.Select(s => s.Id).ToList();
        var teamIds = services.Select(s => s.OwnerTeamId).Distinct().ToList();
        var skills = await db.Skills.AsNoTracking().Select(s => new BusFactorRules.CatalogSkill(s.Id, s.Slug, s.Name)).ToListAsync(ct);
        // For the whole organisation, read whole tables rather than send thousands of ids.
        var links = everything ? db.ServiceDatabases.AsNoTracking() : db.ServiceDatabases.AsNoTracking().Where(d => serviceIds.Contains(d.ServiceId));
        var memberships = everything ? db.TeamMembers.AsNoTracking() : db.TeamMembers.AsNoTracking().Where(m => teamIds.Contains(m.TeamId));
        var engines = (await links
                .Select(d => new { d.ServiceId, d.Database.Engine }).ToListAsync(ct))
            .ToLookup(d => d.ServiceId, d => d.Engine);
        var members = await memberships
            .Select(m => new { m.TeamId, m.PersonId, m.Person.Slug, m.Person.Name }).ToListAsync(ct);
        var known = (await memberships
                .SelectMany(m => m.Person.Skills).Where(r => r.Proficiency >= Proficiency.Working)
                .Select(r => new { r.PersonId, r.SkillId, r.Proficiency }).Distinct().ToListAsync(ct))
            .GroupBy(r => r.PersonId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<int, int>)g.ToDictionary(r => r.SkillId, r => r.Proficiency));
        var empty = new Dictionary<int, int>();
        var teamMembers = members.GroupBy(m => m.TeamId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<BusFactorRules.Member>)[.. g.OrderBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase)
                .Select(m => new BusFactorRules.Member(m.PersonId, m.Slug, m.Name, known.GetValueOrDefault(m.PersonId) ?? empty))]);
        var results = new List<BusFactorResult>(services.Count);
        // Services share stacks: resolve each distinct set of languages and engines to skills once.
        var requirementsByShape = new Dictionary<string, List<BusFactorRules.Requirement>>(StringComparer.Ordinal);
        foreach (var s in services)
        {
            var serviceEngines = engines[s.Id].ToList();
            var shape = string.Join('\u001f', s.Languages) + '\u001e' + string.Join(',', serviceEngines);
            if (!requirementsByShape.TryGetValue(shape, out var requirements))
            {
                requirementsByShape[shape] = requirements = BusFactorRules.Requirements(s.Languages, serviceEngines, skills);
            }
            var outcome = BusFactorRules.Compute(requirements, teamMembers.GetValueOrDefault(s.OwnerTeamId) ?? []);
            results.Add(new BusFactorResult(
                s.Slug, s.Owner, outcome.BusFactor,
                [.. outcome.Qualified.Select(m => new PersonRef(m.Slug, m.Name))],
                outcome.Uncovered,
                [.. outcome.PerRequirement.Select(p => new BusFactorRequirement(p.Requirement.Kind, p.Requirement.Source, p.Requirement.Skill?.Slug, p.Qualified))],
                outcome.BusFactor < BusFactorRules.RiskBelow));
        }
        return results;
    }
}
