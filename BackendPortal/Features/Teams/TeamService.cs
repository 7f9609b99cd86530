using System.Globalization;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Teams;

public sealed class TeamService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit)
{
    public async Task<Page<TeamDetails>> ListAsync(string? q, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, q);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            query = query.Where(t => string.Compare(t.SlugKey, after) > 0);
        }
        var keys = await query.OrderBy(t => t.SlugKey).Take(page.Limit + 1).Select(t => t.Id).ToListAsync(ct);
        var items = await LoadAsync(db, keys.Take(page.Limit).ToList(), ct);
        var next = keys.Count > page.Limit ? PageRequest.EncodeCursor(Slug.Key(items[^1].Slug)) : null;
        return new Page<TeamDetails>(items, next, total);
    }

    /// <summary>Teams for the grid and pickers, with counts, sorted by name; the actor's own teams flagged.</summary>
    public async Task<GridPage<TeamSummary>> QueryAsync(Actor actor, string? q, bool mineOnly, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, q);
        if (mineOnly)
        {
            query = query.Where(t => t.Members.Any(m => m.Person.UserId == actor.UserId));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(t => t.Name).ThenBy(t => t.SlugKey)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 1000))
            .Select(t => new TeamSummary(
                t.Slug, t.Name, t.Description, t.Members.Count,
                db.Services.Count(s => s.OwnerTeamId == t.Id),
                t.Members.Any(m => m.Person.UserId == actor.UserId)))
            .ToListAsync(ct);
        return new GridPage<TeamSummary>(items, total);
    }

    public async Task<TeamDetails> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var id = await db.Teams.Where(t => t.SlugKey == key).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Team '{slug}'");
        return (await LoadAsync(db, [id], ct))[0];
    }

    public async Task<bool> CanEditAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        if (!actor.CanWriteCatalog)
        {
            return false;
        }
        if (actor.Roles.Contains(Roles.Admin))
        {
            return true;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        return await db.TeamMembers.AnyAsync(m => m.Team.SlugKey == key && m.Role == TeamRole.Lead && m.Person.UserId == actor.UserId, ct);
    }

    public async Task<TeamDetails> CreateAsync(Actor actor, TeamInput input, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var team = new Team();
        await ApplyAsync(db, team, input, ct);
        if (!actor.Roles.Contains(Roles.Admin))
        {
            // An engineer who creates a team leads it, or they could not edit what they just made.
            var me = await db.People.Where(p => p.UserId == actor.UserId).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
            if (me is { } personId)
            {
                var existing = team.Members.FirstOrDefault(m => m.PersonId == personId);
                if (existing is null)
                {
                    team.Members.Add(new TeamMember { PersonId = personId, Role = TeamRole.Lead });
                }
                else
                {
                    existing.Role = TeamRole.Lead;
                }
            }
        }
        if (await db.Teams.AnyAsync(t => t.SlugKey == team.SlugKey, ct))
        {
            throw new ConflictException(Duplicate(team.Slug));
        }
        team.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Teams.Add(team);
        await AuditAsync(db, actor, AuditActions.EntityCreated, team, $"Created team '{team.Slug}'", null, ct);
        await db.SaveCatalogChangesAsync(team, $"Team '{team.Slug}'", Duplicate(team.Slug), ct);
        return await GetAsync(team.Slug, ct);
    }

    public async Task<TeamDetails> UpdateAsync(Actor actor, string slug, TeamInput input, Guid? expectedVersion, CancellationToken ct = default)
    {
        CatalogAccess.RequireCatalogWriter(actor);
        if (!await CanEditAsync(actor, slug, ct))
        {
            await GetAsync(slug, ct);
            throw new ForbiddenException($"Only a lead of '{slug}' or an admin can change the team.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.SlugKey == key, ct)
            ?? throw new NotFoundException($"Team '{slug}'");
        team.ThrowIfChangedSince(expectedVersion, $"Team '{team.Slug}'");
        var readVersion = team.Version;
        var before = audit.RecordsDataChanges ? await SnapshotAsync(db, team, ct) : null;
        await ApplyAsync(db, team, input, ct);
        if (team.SlugKey != key && await db.Teams.AnyAsync(t => t.SlugKey == team.SlugKey && t.Id != team.Id, ct))
        {
            throw new ConflictException(Duplicate(team.Slug));
        }
        team.Stamp(actor.Name, clock.GetUtcNow().UtcDateTime);
        db.Entry(team).Property(t => t.Version).OriginalValue = readVersion;
        await AuditAsync(db, actor, AuditActions.EntityUpdated, team,
            before is null || before.Slug == team.Slug ? $"Updated team '{team.Slug}'" : $"Updated team '{before.Slug}', now '{team.Slug}'", before, ct);
        await db.SaveCatalogChangesAsync(team, $"Team '{team.Slug}'", Duplicate(team.Slug), ct);
        return await GetAsync(team.Slug, ct);
    }

    public async Task DeleteAsync(Actor actor, string slug, Guid? expectedVersion, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            throw new ForbiddenException("Only admins can delete teams.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var team = await db.Teams.FirstOrDefaultAsync(t => t.SlugKey == key, ct)
            ?? throw new NotFoundException($"Team '{slug}'");
        team.ThrowIfChangedSince(expectedVersion, $"Team '{team.Slug}'");
        var owned = await db.Services.CountAsync(s => s.OwnerTeamId == team.Id, ct);
        if (owned > 0)
        {
            throw new ConflictException($"Team '{team.Slug}' still owns {owned} service(s). Hand them to another team first.");
        }
        if (audit.RecordsDataChanges)
        {
            var before = (await LoadAsync(db, [team.Id], ct))[0];
            audit.AddDataChange(db, actor, AuditActions.EntityDeleted, "team", team.Slug, $"Deleted team '{team.Slug}'", before, null);
        }
        db.Teams.Remove(team);
        await db.SaveChangesAsync(ct);
    }

    public async Task WriteCsvAsync(string? q, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await writer.WriteLineAsync("slug,name,description,members,leads,services");
        var rows = Filtered(db, q).OrderBy(t => t.SlugKey).Select(t => new
        {
            t.Slug,
            t.Name,
            t.Description,
            Members = t.Members.Count,
            Leads = t.Members.Where(m => m.Role == TeamRole.Lead).Select(m => m.Person.Slug).ToList(),
            Services = db.Services.Count(s => s.OwnerTeamId == t.Id),
        });
        await foreach (var t in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(",",
                Csv.Field(t.Slug), Csv.Field(t.Name), Csv.Field(t.Description),
                t.Members.ToString(CultureInfo.InvariantCulture), Csv.Field(string.Join(";", t.Leads)),
                t.Services.ToString(CultureInfo.InvariantCulture)));
        }
    }

    public async Task<IReadOnlyList<PersonOption>> SearchPeopleAsync(string? q, int take = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.People.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Validate.LikePattern(q.Trim());
            query = query.Where(p => EF.Functions.Like(p.Name, pattern, "\\") || EF.Functions.Like(p.Slug, pattern, "\\") || EF.Functions.Like(p.Email!, pattern, "\\"));
        }
        return await query.OrderBy(p => p.Name).Take(Math.Clamp(take, 1, 100)).Select(p => new PersonOption(p.Slug, p.Name, p.Email)).ToListAsync(ct);
    }

    private static IQueryable<Team> Filtered(AppDbContext db, string? q)
    {
        var query = db.Teams.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Validate.LikePattern(q.Trim());
            query = query.Where(t => EF.Functions.Like(t.Slug, pattern, "\\") || EF.Functions.Like(t.Name, pattern, "\\"));
        }
        return query;
    }

    private static async Task<List<TeamDetails>> LoadAsync(AppDbContext db, List<int> ids, CancellationToken ct)
    {
        var teams = await db.Teams.AsNoTracking().Where(t => ids.Contains(t.Id))
            .Select(t => new
            {
                t.Id,
                t.Slug,
                t.SlugKey,
                t.Name,
                t.Description,
                t.CreatedAt,
                t.CreatedBy,
                t.UpdatedAt,
                t.UpdatedBy,
                t.Version,
                Members = t.Members.OrderByDescending(m => m.Role).ThenBy(m => m.Person.Name)
                    .Select(m => new TeamMemberDetails(m.Person.Slug, m.Person.Name, m.Person.Email, m.Role == TeamRole.Lead ? "lead" : "member"))
                    .ToList(),
                Services = db.Services.Count(s => s.OwnerTeamId == t.Id),
            })
            .ToListAsync(ct);
        return [.. teams.OrderBy(t => t.SlugKey, StringComparer.Ordinal).Select(t => new TeamDetails(
            t.Slug, t.Name, t.Description, t.Members, t.Services, t.CreatedAt, t.CreatedBy, t.UpdatedAt, t.UpdatedBy, t.Version))];
    }

    private static async Task ApplyAsync(AppDbContext db, Team team, TeamInput input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var slug = Validate.Slug(errors, "slug", input.Slug);
        var name = Validate.Required(errors, "name", input.Name, 200);
        var description = Validate.Optional(errors, "description", input.Description, 4000);
        var wanted = new Dictionary<string, TeamRole>(StringComparer.OrdinalIgnoreCase);
        foreach (var (member, i) in (input.Members ?? []).Select((m, i) => (m, i)))
        {
            var field = $"members[{i}]";
            if (string.IsNullOrWhiteSpace(member.Person))
            {
                errors.Add(field, "Each member needs a person (the person's slug).");
                continue;
            }
            TeamRole role;
            if (string.IsNullOrWhiteSpace(member.Role) || member.Role.Trim().Equals("member", StringComparison.OrdinalIgnoreCase))
            {
                role = TeamRole.Member;
            }
            else if (member.Role.Trim().Equals("lead", StringComparison.OrdinalIgnoreCase))
            {
                role = TeamRole.Lead;
            }
            else
            {
                errors.Add(field, $"'{member.Role}' is not a team role; use lead or member.");
                continue;
            }
            wanted[Slug.Key(member.Person.Trim())] = role;
        }
        var keys = wanted.Keys.ToList();
        var people = await db.People.Where(p => keys.Contains(p.SlugKey)).Select(p => new { p.Id, p.SlugKey }).ToListAsync(ct);
        foreach (var missing in keys.Except(people.Select(p => p.SlugKey)))
        {
            errors.Add("members", $"There is no person '{missing}'.");
        }
        errors.ThrowIfAny();

        team.Slug = slug!;
        team.SlugKey = Slug.Key(slug!);
        team.Name = name!;
        team.Description = description;
        var byId = people.ToDictionary(p => p.Id, p => wanted[p.SlugKey]);
        team.Members.RemoveAll(m => !byId.ContainsKey(m.PersonId));
        foreach (var (personId, role) in byId)
        {
            var existing = team.Members.FirstOrDefault(m => m.PersonId == personId);
            if (existing is null)
            {
                team.Members.Add(new TeamMember { PersonId = personId, Role = role });
            }
            else
            {
                existing.Role = role;
            }
        }
    }

    private async Task AuditAsync(AppDbContext db, Actor actor, string action, Team team, string summary, TeamDetails? before, CancellationToken ct)
    {
        if (audit.RecordsDataChanges)
        {
            audit.AddDataChange(db, actor, action, "team", team.Slug, summary, before, await SnapshotAsync(db, team, ct));
        }
    }

    /// <summary>The team as <see cref="GetAsync"/> shows it, from the tracked entity and its members (before it is saved).</summary>
    private static async Task<TeamDetails> SnapshotAsync(AppDbContext db, Team team, CancellationToken ct)
    {
        var roles = team.Members.ToDictionary(m => m.PersonId, m => m.Role);
        var ids = roles.Keys.ToList();
        var people = await db.People.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Slug, p.Name, p.Email }).ToListAsync(ct);
        var members = people
            .OrderByDescending(p => roles[p.Id]).ThenBy(p => p.Name, StringComparer.CurrentCulture)
            .Select(p => new TeamMemberDetails(p.Slug, p.Name, p.Email, roles[p.Id] == TeamRole.Lead ? "lead" : "member"))
            .ToList();
        var services = team.Id == 0 ? 0 : await db.Services.CountAsync(s => s.OwnerTeamId == team.Id, ct);
        return new TeamDetails(team.Slug, team.Name, team.Description, members, services,
            team.CreatedAt, team.CreatedBy, team.UpdatedAt, team.UpdatedBy, team.Version);
    }

    private static string Duplicate(string slug) =>
        $"A team with the slug '{slug}' already exists (slugs are compared ignoring case).";
}
