using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Teams;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.People;

/// <summary>
/// People, their skill ratings and endorsements, and the gap to a level. Who may change what:
/// admins anything; a team lead the profile, level and memberships (of the teams they lead) of their
/// members, and endorses their ratings; a person their own profile and their own ratings.
/// </summary>
public sealed class PeopleService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    public const int MaxRatings = 500;

    public async Task<Page<PersonDetails>> ListAsync(PeopleFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = await FilteredAsync(db, filter, ct);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            query = query.Where(p => string.Compare(p.SlugKey, after) > 0);
        }
        var ids = await query.OrderBy(p => p.SlugKey).Take(page.Limit + 1).Select(p => p.Id).ToListAsync(ct);
        var items = await LoadAsync(db, ids.Take(page.Limit).ToList(), ct);
        var next = ids.Count > page.Limit ? PageRequest.EncodeCursor(Slug.Key(items[^1].Slug)) : null;
        return new Page<PersonDetails>(items, next, total);
    }

    /// <summary>One screen of the people grid, sorted by name.</summary>
    public async Task<GridPage<PersonDetails>> QueryAsync(PeopleFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = await FilteredAsync(db, filter, ct);
        var total = await query.CountAsync(ct);
        var ids = await query.OrderBy(p => p.Name).ThenBy(p => p.SlugKey)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit)).Select(p => p.Id).ToListAsync(ct);
        var items = await LoadAsync(db, ids, ct);
        return new GridPage<PersonDetails>([.. items.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => Slug.Key(p.Slug), StringComparer.Ordinal)], total);
    }

    public async Task<PersonDetails> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await IdAsync(db, slug, ct);
        return (await LoadAsync(db, [id], ct))[0];
    }

    /// <summary>The person linked to a sign-in account, if any (the "my profile" link).</summary>
    public async Task<string?> SlugForUserAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.People.AsNoTracking().Where(p => p.UserId == userId).Select(p => p.Slug).FirstOrDefaultAsync(ct);
    }

    /// <summary>Teams the caller may put people into: every team for admins, the teams they lead for leads (empty otherwise).</summary>
    public async Task<IReadOnlyList<PersonTeam>> AssignableTeamsAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.HasScope(TokenScopes.Write) || (!actor.IsAdmin && !actor.CanWriteCatalog))
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var teams = actor.IsAdmin
            ? db.Teams.AsNoTracking()
            : db.Teams.AsNoTracking().Where(t => t.Members.Any(m => m.Role == TeamRole.Lead && m.Person.UserId == actor.UserId));
        var rows = await teams.Select(t => new { t.Slug, t.Name }).ToListAsync(ct);
        return [.. rows.OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase).Select(t => new PersonTeam(t.Slug, t.Name, "member"))];
    }

    public async Task<PersonPermissions> PermissionsAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var person = await db.People.AsNoTracking().Where(p => p.SlugKey == key).Select(p => new { p.Id, p.UserId }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Person '{slug}'");
        return await AccessAsync(db, actor, person.Id, person.UserId, ct);
    }

    public async Task<PersonDetails> CreateAsync(Actor actor, PersonInput input, CancellationToken ct = default)
    {
        RequireWriteScope(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var person = new Person();
        var teamIds = await ApplyAsync(db, person, input, requireLevel: true, ct);
        if (!actor.IsAdmin)
        {
            var led = await LedTeamIdsAsync(db, actor, ct);
            if (!actor.CanWriteCatalog || teamIds.Count == 0 || !teamIds.All(led.Contains))
            {
                throw new ForbiddenException("Admins add people to any team; a team lead adds people to the teams they lead (name at least one).");
            }
        }
        if (await db.People.AnyAsync(p => p.SlugKey == person.SlugKey, ct))
        {
            throw new ConflictException(Duplicate(person.Slug));
        }
        foreach (var teamId in teamIds)
        {
            person.Memberships.Add(new TeamMember { TeamId = teamId, Role = TeamRole.Member });
        }
        await LinkAccountAsync(db, actor, person, input.Account, ct);
        person.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.People.Add(person);
        audit.AddDataChange(db, actor, AuditActions.EntityCreated, "person", person.Slug, $"Created person '{person.Slug}'", null, input);
        await db.SaveCatalogChangesAsync(person, $"Person '{person.Slug}'", Duplicate(person.Slug), ct);
        return await GetAsync(person.Slug, ct);
    }

    public async Task<PersonDetails> UpdateAsync(Actor actor, string slug, PersonInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        RequireWriteScope(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var person = await db.People.Include(p => p.Memberships).FirstOrDefaultAsync(p => p.SlugKey == key, ct)
            ?? throw new NotFoundException($"Person '{slug}'");
        var access = await AccessAsync(db, actor, person.Id, person.UserId, ct);
        if (!access.CanEditProfile)
        {
            throw new ForbiddenException($"Only {person.Slug} themselves, a lead of one of their teams or an admin can change this profile.");
        }
        person.ThrowIfChangedSince(expectedVersion, $"Person '{person.Slug}'");
        var readVersion = person.Version;
        var before = (await LoadAsync(db, [person.Id], ct))[0];
        var oldLevel = person.Level;
        var teamIds = await ApplyAsync(db, person, input, requireLevel: oldLevel is not null, ct);
        if (person.Level != oldLevel && !access.CanChangeLevel)
        {
            throw new ForbiddenException("Only a lead of one of this person's teams or an admin can change their level.");
        }
        var current = person.Memberships.Select(m => m.TeamId).ToHashSet();
        var changed = teamIds.Except(current).Concat(current.Except(teamIds)).ToList();
        if (changed.Count > 0 && !actor.IsAdmin)
        {
            var led = await LedTeamIdsAsync(db, actor, ct);
            if (!changed.All(led.Contains))
            {
                throw new ForbiddenException("You can only add people to, or remove them from, teams you lead.");
            }
        }
        await LinkAccountAsync(db, actor, person, input.Account, ct);
        person.Memberships.RemoveAll(m => !teamIds.Contains(m.TeamId));
        foreach (var teamId in teamIds.Where(t => !current.Contains(t)))
        {
            person.Memberships.Add(new TeamMember { TeamId = teamId, PersonId = person.Id, Role = TeamRole.Member });
        }
        if (person.SlugKey != key && await db.People.AnyAsync(p => p.SlugKey == person.SlugKey && p.Id != person.Id, ct))
        {
            throw new ConflictException(Duplicate(person.Slug));
        }
        person.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Entry(person).Property(p => p.Version).OriginalValue = readVersion;
        audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "person", person.Slug, $"Updated person '{before.Slug}'", before, input);
        await db.SaveCatalogChangesAsync(person, $"Person '{person.Slug}'", Duplicate(person.Slug), ct);
        return await GetAsync(person.Slug, ct);
    }

    /// <summary>People with a sign-in account stay: disabling the account is how someone leaves.</summary>
    public async Task DeleteAsync(Actor actor, string slug, Guid? expectedVersion, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            throw new ForbiddenException("Only admins can delete people.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var person = await db.People.FirstOrDefaultAsync(p => p.SlugKey == key, ct) ?? throw new NotFoundException($"Person '{slug}'");
        person.ThrowIfChangedSince(expectedVersion, $"Person '{person.Slug}'");
        if (person.UserId is not null)
        {
            throw new ConflictException($"'{person.Slug}' has a sign-in account; disable the account under Admin › Users instead of deleting the person.");
        }
        var before = (await LoadAsync(db, [person.Id], ct))[0];
        audit.AddDataChange(db, actor, AuditActions.EntityDeleted, "person", person.Slug, $"Deleted person '{person.Slug}'", before, null);
        // Incidents keep their history without a commander (the key is ClientSetNull for SQL Server's cascade rule).
        foreach (var incident in await db.Incidents.Where(i => i.CommanderId == person.Id).ToListAsync(ct))
        {
            incident.CommanderId = null;
        }
        db.People.Remove(person);
        await db.SaveChangesAsync(ct);
    }

    public async Task WriteCsvAsync(PeopleFilter filter, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await writer.WriteLineAsync("slug,name,title,email,level,teams");
        var rows = (await FilteredAsync(db, filter, ct)).OrderBy(p => p.SlugKey).Select(p => new
        {
            p.Slug,
            p.Name,
            p.Title,
            p.Email,
            p.Level,
            Teams = p.Memberships.Select(m => m.Team.Slug).ToList(),
        });
        await foreach (var p in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(",",
                Csv.Field(p.Slug), Csv.Field(p.Name), Csv.Field(p.Title), Csv.Field(p.Email), Csv.Field(CareerLevels.ToApi(p.Level)),
                Csv.Field(string.Join(";", p.Teams.Order(StringComparer.Ordinal)))));
        }
    }

    /// <summary>Services the person's teams own: what they are on the hook for.</summary>
    public async Task<IReadOnlyList<(string Slug, string Name, string Team, string Lifecycle)>> ServicesAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await IdAsync(db, slug, ct);
        var rows = await db.Services.AsNoTracking()
            .Where(s => db.TeamMembers.Any(m => m.PersonId == id && m.TeamId == s.OwnerTeamId))
            .OrderBy(s => s.Name)
            .Select(s => new { s.Slug, s.Name, Team = s.OwnerTeam.Slug, s.Lifecycle })
            .ToListAsync(ct);
        return [.. rows.Select(r => (r.Slug, r.Name, r.Team, r.Lifecycle.ToString().ToLowerInvariant()))];
    }

    // ---- ratings ----------------------------------------------------------------------------------

    public async Task<(IReadOnlyList<SkillRating> Ratings, string ETag)> SkillsAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await IdAsync(db, slug, ct);
        var ratings = await RatingsAsync(db, id, ct);
        return (ratings, RatingsETag(ratings));
    }

    /// <summary>
    /// Replaces the person's ratings with <paramref name="input"/>. A rating whose level changes loses its
    /// endorsement (the lead endorsed the old number); an unchanged one keeps it. <paramref name="expectedETag"/>,
    /// when given, must be the ETag of the ratings the caller read.
    /// </summary>
    public async Task<IReadOnlyList<SkillRating>> ReplaceSkillsAsync(
        Actor actor, string slug, IReadOnlyList<SkillRatingInput>? input, string? expectedETag = null, CancellationToken ct = default)
    {
        RequireWriteScope(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var person = await db.People.Include(p => p.Skills).FirstOrDefaultAsync(p => p.SlugKey == key, ct)
            ?? throw new NotFoundException($"Person '{slug}'");
        var access = await AccessAsync(db, actor, person.Id, person.UserId, ct);
        if (!access.CanRate)
        {
            throw new ForbiddenException($"Only {person.Slug} themselves or an admin can change their skill ratings; team leads endorse them.");
        }
        var before = await RatingsAsync(db, person.Id, ct);
        if (expectedETag is not null && expectedETag != RatingsETag(before))
        {
            var last = before.OrderByDescending(r => r.RatedAt).FirstOrDefault();
            throw new ConcurrencyConflictException($"The skills of '{person.Slug}'", last?.RatedBy ?? "someone", last?.RatedAt ?? DateTime.MinValue, RatingsETag(before));
        }

        var skills = await db.Skills.AsNoTracking().Select(s => new { s.Id, s.SlugKey }).ToDictionaryAsync(s => s.SlugKey, s => s.Id, ct);
        var errors = new ValidationErrors();
        var wanted = new Dictionary<int, int>();
        if (input is null)
        {
            errors.Add("body", "Send an array of ratings: [ { \"skill\": \"java\", \"level\": 3 } ] (an empty array clears them).");
        }
        else if (input.Count > MaxRatings)
        {
            errors.Add("body", $"At most {MaxRatings} ratings per person.");
        }
        foreach (var (r, i) in (input ?? []).Select((r, i) => (r, i)))
        {
            var field = $"[{i}]";
            var name = r?.Skill?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(field, "Each rating needs a skill (the skill's slug).");
                continue;
            }
            if (!skills.TryGetValue(Slug.Key(name), out var skillId))
            {
                errors.Add(field, $"There is no skill '{name}'. GET /api/v1/skills lists them.");
                continue;
            }
            if (r!.Level is not { } level || !Proficiency.IsValid(level))
            {
                errors.Add(field, $"The level for '{name}' must be 0 to 4 (0 none, 1 learning, 2 working, 3 strong, 4 expert)"
                    + (r.Level is { } bad ? $"; {bad.ToString(CultureInfo.InvariantCulture)} is not." : "; it is missing."));
                continue;
            }
            if (!wanted.TryAdd(skillId, level))
            {
                errors.Add(field, $"'{name}' is rated twice.");
            }
        }
        errors.ThrowIfAny();

        var now = clock.GetUtcNow().UtcDateTime;
        var changes = 0;
        foreach (var gone in person.Skills.Where(s => !wanted.ContainsKey(s.SkillId)).ToList())
        {
            person.Skills.Remove(gone);
            changes++;
        }
        foreach (var (skillId, level) in wanted)
        {
            var existing = person.Skills.FirstOrDefault(s => s.SkillId == skillId);
            if (existing is null)
            {
                person.Skills.Add(new PersonSkill { SkillId = skillId, Proficiency = level, RatedAt = now, RatedBy = actor.Name });
                changes++;
            }
            else if (existing.Proficiency != level)
            {
                existing.Proficiency = level;
                existing.RatedAt = now;
                existing.RatedBy = actor.Name;
                existing.EndorsedBy = null;
                existing.EndorsedAt = null;
                changes++;
            }
        }
        if (changes > 0)
        {
            var after = input!.Where(r => r.Skill is not null).Select(r => new { skill = Slug.Key(r.Skill!.Trim()), level = r.Level }).ToList();
            audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "person-skills", person.Slug,
                $"Changed {changes} skill rating(s) of '{person.Slug}'", before.Select(b => new { skill = b.Skill, level = b.Level, endorsedBy = b.EndorsedBy }), after);
            await db.SaveChangesAsync(ct);
        }
        return await RatingsAsync(db, person.Id, ct);
    }

    /// <summary>A lead vouches for (or withdraws from) a member's rating of one skill.</summary>
    public async Task<SkillRating> EndorseAsync(Actor actor, string slug, string skill, bool endorse, CancellationToken ct = default)
    {
        RequireWriteScope(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var person = await db.People.AsNoTracking().Where(p => p.SlugKey == key).Select(p => new { p.Id, p.Slug, p.UserId }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Person '{slug}'");
        var access = await AccessAsync(db, actor, person.Id, person.UserId, ct);
        if (!access.CanEndorse)
        {
            throw new ForbiddenException(access.IsSelf
                ? "You cannot endorse your own ratings."
                : $"Only a lead of one of {person.Slug}'s teams (or an admin) can endorse their ratings.");
        }
        var skillKey = Slug.Key(skill.Trim());
        var rating = await db.PersonSkills.Include(r => r.Skill).FirstOrDefaultAsync(r => r.PersonId == person.Id && r.Skill.SlugKey == skillKey, ct)
            ?? throw new NotFoundException($"A rating of '{skill}' by '{person.Slug}'");
        var endorser = await db.People.AsNoTracking().Where(p => p.UserId == actor.UserId).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? actor.Name;
        rating.EndorsedBy = endorse ? endorser : null;
        rating.EndorsedAt = endorse ? clock.GetUtcNow().UtcDateTime : null;
        audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "person-skills", person.Slug,
            endorse ? $"Endorsed '{rating.Skill.Slug}' at {rating.Proficiency} for '{person.Slug}'" : $"Withdrew the endorsement of '{rating.Skill.Slug}' for '{person.Slug}'",
            null, new { skill = rating.Skill.Slug, level = rating.Proficiency, endorsedBy = rating.EndorsedBy });
        await db.SaveChangesAsync(ct);
        return (await RatingsAsync(db, person.Id, ct)).First(r => r.Skill == rating.Skill.Slug);
    }

    /// <summary>What the person lacks for <paramref name="level"/> (their own level when null; junior when they have none).</summary>
    public async Task<GapResult> GapAsync(string slug, string? level, CancellationToken ct = default)
    {
        CareerLevel? wanted = null;
        if (!string.IsNullOrWhiteSpace(level))
        {
            wanted = CareerLevels.Parse(level) ?? throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["level"] = [$"'{level}' is not a level; use one of {CareerLevels.AllText}."],
            });
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var person = await db.People.AsNoTracking().Where(p => p.SlugKey == key).Select(p => new { p.Id, p.Slug, p.Level }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Person '{slug}'");
        var target = wanted ?? person.Level ?? CareerLevel.Junior;
        var expected = await db.LevelExpectations.AsNoTracking().Where(e => e.RoleLevel.Level == target)
            .Select(e => new { e.SkillId, e.Skill.Slug, e.Skill.Name, e.Skill.Category, e.MinimumProficiency }).ToListAsync(ct);
        var actual = await db.PersonSkills.AsNoTracking().Where(r => r.PersonId == person.Id).ToDictionaryAsync(r => r.SkillId, r => r.Proficiency, ct);
        var missing = expected
            .Select(e => new GapItem(e.Slug, e.Name, e.Category, e.MinimumProficiency, actual.GetValueOrDefault(e.SkillId)))
            .Where(g => g.Actual < g.Required)
            .OrderBy(g => g.Category, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new GapResult(person.Slug, CareerLevels.ToApi(target), missing, expected.Count, expected.Count - missing.Count);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static async Task<List<SkillRating>> RatingsAsync(AppDbContext db, int personId, CancellationToken ct)
    {
        var rows = await db.PersonSkills.AsNoTracking().Where(r => r.PersonId == personId)
            .Select(r => new { r.Skill.Slug, r.Skill.Name, r.Skill.Category, r.Proficiency, r.RatedAt, r.RatedBy, r.EndorsedBy, r.EndorsedAt })
            .ToListAsync(ct);
        return [.. rows
            .OrderBy(r => r.Category, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r => new SkillRating(r.Slug, r.Name, r.Category, r.Proficiency, Proficiency.Name(r.Proficiency), r.RatedAt, r.RatedBy, r.EndorsedBy, r.EndorsedAt))];
    }

    /// <summary>Ratings have no version column of their own; their ETag is a hash of what a reader saw.</summary>
    public static string RatingsETag(IEnumerable<SkillRating> ratings)
    {
        var text = string.Join("|", ratings.OrderBy(r => r.Skill, StringComparer.Ordinal)
            .Select(r => $"{r.Skill}={r.Level.ToString(CultureInfo.InvariantCulture)}@{r.RatedAt.Ticks.ToString(CultureInfo.InvariantCulture)}"));
        var hash = MD5.HashData(Encoding.UTF8.GetBytes(text));
        return $"\"{new Guid(hash):N}\"";
    }

    private static async Task<PersonPermissions> AccessAsync(AppDbContext db, Actor actor, int personId, string? userId, CancellationToken ct)
    {
        var write = actor.HasScope(TokenScopes.Write);
        var admin = actor.IsAdmin;
        var self = userId is not null && userId == actor.UserId;
        var lead = await db.TeamMembers.AnyAsync(m => m.PersonId == personId
            && db.TeamMembers.Any(l => l.TeamId == m.TeamId && l.Role == TeamRole.Lead && l.Person.UserId == actor.UserId), ct);
        return new PersonPermissions(
            IsSelf: self,
            CanEditProfile: write && (admin || self || lead),
            CanChangeLevel: write && (admin || (lead && !self)),
            CanRate: write && (admin || self),
            CanEndorse: write && (admin || lead) && !self,
            CanDelete: admin);
    }

    private static async Task<HashSet<int>> LedTeamIdsAsync(AppDbContext db, Actor actor, CancellationToken ct) =>
        [.. await db.TeamMembers.Where(m => m.Role == TeamRole.Lead && m.Person.UserId == actor.UserId).Select(m => m.TeamId).ToListAsync(ct)];

    private static void RequireWriteScope(Actor actor)
    {
        if (!actor.HasScope(TokenScopes.Write))
        {
            throw new ForbiddenException("This token lacks the 'write' scope.");
        }
    }

    private static async Task<int> IdAsync(AppDbContext db, string slug, CancellationToken ct)
    {
        var key = Slug.Key(slug);
        return await db.People.Where(p => p.SlugKey == key).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Person '{slug}'");
    }

    private static async Task<IQueryable<Person>> FilteredAsync(AppDbContext db, PeopleFilter filter, CancellationToken ct)
    {
        var query = db.People.AsNoTracking();
        var errors = new ValidationErrors();
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var pattern = Validate.LikePattern(filter.Q.Trim());
            query = query.Where(p => EF.Functions.Like(p.Name, pattern, "\\") || EF.Functions.Like(p.Slug, pattern, "\\")
                || EF.Functions.Like(p.Email!, pattern, "\\") || EF.Functions.Like(p.Title!, pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(filter.Team))
        {
            var teamKey = Slug.Key(filter.Team.Trim());
            query = query.Where(p => p.Memberships.Any(m => m.Team.SlugKey == teamKey));
        }
        if (!string.IsNullOrWhiteSpace(filter.Level))
        {
            if (CareerLevels.Parse(filter.Level) is { } level)
            {
                query = query.Where(p => p.Level == level);
            }
            else
            {
                errors.Add("level", $"'{filter.Level}' is not a level; use one of {CareerLevels.AllText}.");
            }
        }
        if (filter.MinLevel is { } min && !Proficiency.IsValid(min))
        {
            errors.Add("minLevel", "minLevel must be 0 to 4 (none, learning, working, strong, expert).");
        }
        if (!string.IsNullOrWhiteSpace(filter.Skill))
        {
            var skillKey = Slug.Key(filter.Skill.Trim());
            var skillId = await db.Skills.Where(s => s.SlugKey == skillKey).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
            if (skillId is { } id)
            {
                var minimum = filter.MinLevel ?? Proficiency.Working;
                query = query.Where(p => p.Skills.Any(r => r.SkillId == id && r.Proficiency >= minimum));
            }
            else
            {
                errors.Add("skill", $"There is no skill '{filter.Skill.Trim()}'.");
            }
        }
        else if (filter.MinLevel is not null)
        {
            errors.Add("minLevel", "minLevel needs a skill to apply to.");
        }
        errors.ThrowIfAny();
        return query;
    }

    private static async Task<List<PersonDetails>> LoadAsync(AppDbContext db, List<int> ids, CancellationToken ct)
    {
        var rows = await db.People.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new
        {
            p.Slug,
            p.SlugKey,
            p.Name,
            p.Title,
            p.Email,
            p.Level,
            Teams = p.Memberships.Select(m => new { m.Team.Slug, m.Team.Name, m.Role }).ToList(),
            HasAccount = p.UserId != null,
            Account = p.User != null ? p.User.Email : null,
            p.CreatedAt,
            p.CreatedBy,
            p.UpdatedAt,
            p.UpdatedBy,
            p.Version,
        }).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.SlugKey, StringComparer.Ordinal).Select(r => new PersonDetails(
            r.Slug, r.Name, r.Title, r.Email, CareerLevels.ToApi(r.Level),
            [.. r.Teams.OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase).Select(t => new PersonTeam(t.Slug, t.Name, t.Role == TeamRole.Lead ? "lead" : "member"))],
            r.HasAccount, r.Account, r.CreatedAt, r.CreatedBy, r.UpdatedAt, r.UpdatedBy, r.Version))];
    }

    /// <summary>Validates and copies the profile fields; returns the ids of the teams named.</summary>
    private static async Task<HashSet<int>> ApplyAsync(AppDbContext db, Person person, PersonInput input, bool requireLevel, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var slug = Validate.Slug(errors, "slug", input.Slug);
        var name = Validate.Required(errors, "name", input.Name, 200);
        var title = Validate.Optional(errors, "title", input.Title, 200);
        var email = Validate.Optional(errors, "email", input.Email, 256);
        if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.StartsWith('@') || email.EndsWith('@') || email.Contains(' ', StringComparison.Ordinal)))
        {
            errors.Add("email", $"'{email}' is not an e-mail address.");
        }
        CareerLevel? level = null;
        if (!string.IsNullOrWhiteSpace(input.Level))
        {
            level = CareerLevels.Parse(input.Level);
            if (level is null)
            {
                errors.Add("level", $"'{input.Level}' is not a level; use one of {CareerLevels.AllText}.");
            }
        }
        else if (requireLevel)
        {
            errors.Add("level", $"level is required: one of {CareerLevels.AllText}.");
        }
        var teamKeys = Validate.List(errors, "teams", input.Teams, 50, Slug.MaxLength, t => Slug.Key(t.Trim()));
        var teams = await db.Teams.Where(t => teamKeys.Contains(t.SlugKey)).Select(t => new { t.Id, t.SlugKey }).ToListAsync(ct);
        foreach (var missing in teamKeys.Except(teams.Select(t => t.SlugKey)))
        {
            errors.Add("teams", $"There is no team '{missing}'.");
        }
        errors.ThrowIfAny();
        person.Slug = slug!;
        person.SlugKey = Slug.Key(slug!);
        person.Name = name!;
        person.Title = title;
        person.Email = email;
        person.Level = level;
        return [.. teams.Select(t => t.Id)];
    }

    /// <summary>
    /// Links (or with "" unlinks) the sign-in account with this e-mail. Only admins change links: the link decides whose
    /// ratings a caller may change. Null leaves the link alone, so clients that do not know the field keep it.
    /// </summary>
    private static async Task LinkAccountAsync(AppDbContext db, Actor actor, Person person, string? account, CancellationToken ct)
    {
        if (account is null)
        {
            return;
        }
        var email = account.Trim();
        var current = person.UserId is null ? null : await db.Users.Where(u => u.Id == person.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (string.Equals(email, current ?? "", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        if (!actor.IsAdmin)
        {
            throw new ForbiddenException("Only admins link people to sign-in accounts.");
        }
        if (email.Length == 0)
        {
            person.UserId = null;
            return;
        }
        var normalized = email.ToUpperInvariant();
        var user = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => new { u.Id, u.Email }).FirstOrDefaultAsync(ct)
            ?? throw new ValidationFailedException(new Dictionary<string, string[]> { ["account"] = [$"There is no sign-in account '{email}'."] });
        var holder = await db.People.Where(p => p.UserId == user.Id && p.Id != person.Id).Select(p => p.Slug).FirstOrDefaultAsync(ct);
        if (holder is not null)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["account"] = [$"The account '{user.Email}' is already linked to '{holder}'; unlink it there first."],
            });
        }
        person.UserId = user.Id;
    }

    private static string Duplicate(string slug) =>
        $"A person with the slug '{slug}' already exists (slugs are compared ignoring case).";
}
