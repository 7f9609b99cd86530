using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Security;

/// <summary>Catalog ownership rules, enforced in services so no door (page, API, CLI) can skip them.</summary>
public static class CatalogAccess
{
    /// <summary>Ids of the teams whose catalog entries the actor may edit; null means every team.</summary>
    public static async Task<HashSet<int>?> EditableTeamIdsAsync(AppDbContext db, Actor actor, CancellationToken ct = default)
    {
        if (!actor.CanWriteCatalog)
        {
            return [];
        }
        if (actor.Roles.Contains(Roles.Admin))
        {
            return null;
        }
        var ids = await db.TeamMembers
            .Where(m => m.Person.UserId == actor.UserId)
            .Select(m => m.TeamId)
            .ToListAsync(ct);
        return [.. ids];
    }

    public static async Task<bool> CanEditForTeamAsync(AppDbContext db, Actor actor, int teamId, CancellationToken ct = default)
    {
        var ids = await EditableTeamIdsAsync(db, actor, ct);
        return ids is null || ids.Contains(teamId);
    }

    public static void RequireCatalogWriter(Actor actor)
    {
        if (!actor.CanWriteCatalog)
        {
            throw new ForbiddenException(actor.IsTokenCaller && actor.IsInAnyRole(Roles.Admin, Roles.Engineer)
                ? "This token lacks the 'write' scope."
                : "Only engineers and admins can change the catalog.");
        }
    }
}
