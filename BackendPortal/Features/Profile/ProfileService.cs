using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Profile;

public sealed record MyTeam(string Slug, string Name, string Role, int ServiceCount);

public sealed record HomeSummary(
    string DisplayName,
    string? PersonSlug,
    IReadOnlyList<MyTeam> Teams,
    IReadOnlyList<ServiceDetails> Services,
    int MyServiceCount,
    int AllTeamCount,
    int AllServiceCount);

/// <summary>The signed-in user's own things: preferences and what the home page shows.</summary>
public sealed class ProfileService(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<bool> PrefersDarkModeAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.PrefersDarkMode).FirstOrDefaultAsync(ct);
    }

    public async Task SetDarkModeAsync(string userId, bool dark, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.PrefersDarkMode, dark), ct);
    }

    public async Task<HomeSummary> GetHomeAsync(Actor actor, int serviceLimit = 10, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.Where(u => u.Id == actor.UserId).Select(u => new { u.DisplayName, u.Email }).FirstOrDefaultAsync(ct);
        var person = await db.People.Where(p => p.UserId == actor.UserId).Select(p => new { p.Id, p.Slug }).FirstOrDefaultAsync(ct);
        var teams = person is null ? [] : await db.TeamMembers
            .Where(m => m.PersonId == person.Id)
            .OrderBy(m => m.Team.Name)
            .Select(m => new MyTeam(m.Team.Slug, m.Team.Name, m.Role == Teams.TeamRole.Lead ? "lead" : "member",
                db.Services.Count(s => s.OwnerTeamId == m.TeamId)))
            .ToListAsync(ct);
        var teamSlugs = teams.Select(t => Slug.Key(t.Slug)).ToList();
        var mine = db.Services.AsNoTracking().Where(s => teamSlugs.Contains(s.OwnerTeam.SlugKey));
        var services = await mine.OrderBy(s => s.Tier).ThenBy(s => s.Name).Take(serviceLimit)
            .Select(s => new ServiceDetails(
                s.Slug, s.Name, s.Description, s.OwnerTeam.Slug, s.OwnerTeam.Name, s.Lifecycle.ToString().ToLower(), s.Tier,
                s.Languages, s.Framework, s.RepositoryUrl, s.RunbookUrl, s.Tags,
                s.CreatedAt, s.CreatedBy, s.UpdatedAt, s.UpdatedBy, s.Version))
            .ToListAsync(ct);
        return new HomeSummary(
            user?.DisplayName is { Length: > 0 } n ? n : user?.Email ?? actor.Name,
            person?.Slug,
            teams,
            services,
            await mine.CountAsync(ct),
            await db.Teams.CountAsync(ct),
            await db.Services.CountAsync(ct));
    }
}
