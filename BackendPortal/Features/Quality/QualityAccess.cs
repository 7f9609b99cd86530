using BackendPortal.Data;
using BackendPortal.Security;

namespace BackendPortal.Features.Quality;

/// <summary>
/// Who may do what with quality data. Posting runs, load tests and budgets is QA's job (and
/// admins'): the Ingest policy, a QA or Admin role plus the 'ingest' scope. Quarantining a flaky
/// test is a decision about that service's suite, so its owning team's engineers may make it too
/// (with the 'write' scope), besides QA and admins (see docs/decisions/0009-quarantine-rights.md).
/// </summary>
public static class QualityAccess
{
    public static bool CanIngest(Actor actor) =>
        actor.IsInAnyRole(Roles.Admin, Roles.QA) && actor.HasScope(TokenScopes.Ingest);

    public static void RequireIngester(Actor actor)
    {
        if (!CanIngest(actor))
        {
            throw new ForbiddenException(actor.IsTokenCaller && actor.IsInAnyRole(Roles.Admin, Roles.QA)
                ? "This token lacks the 'ingest' scope."
                : "Only QA and admins can post test results and load tests.");
        }
    }

    public static async Task<bool> CanQuarantineAsync(AppDbContext db, Actor actor, int ownerTeamId, CancellationToken ct)
    {
        if (CanIngest(actor))
        {
            return true;
        }
        return actor.CanWriteCatalog && await CatalogAccess.CanEditForTeamAsync(db, actor, ownerTeamId, ct);
    }
}
