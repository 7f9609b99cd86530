using BackendPortal.Data;
using BackendPortal.Live;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Operations;

public sealed class DeploymentInput
{
    public string? Version { get; set; }
    public string? Environment { get; set; }
    public string? Commit { get; set; }
    public DateTimeOffset? At { get; set; }
}

public sealed record DeploymentDetails(long Id, string Service, string Version, string Environment, string? Commit, DateTime At, DateTime RecordedAt, string RecordedBy);

/// <summary>
/// Deployments arrive from CI: a token with the ingest scope (Admin/QA) may post for any service,
/// an engineer's write token only for services of their teams.
/// </summary>
public sealed class DeploymentsService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILiveEvents live)
{
    public async Task<DeploymentDetails> RecordAsync(Actor actor, string slug, DeploymentInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var service = await db.Services.Where(s => s.SlugKey == key).Select(s => new { s.Id, s.Slug, s.OwnerTeamId }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{slug}'");
        var mayIngest = actor.IsInAnyRole(Roles.Admin, Roles.QA) && actor.HasScope(TokenScopes.Ingest);
        if (!mayIngest && !(actor.CanWriteCatalog && await CatalogAccess.CanEditForTeamAsync(db, actor, service.OwnerTeamId, ct)))
        {
            throw new ForbiddenException("Deployments are posted by CI with an ingest token (Admin or QA), or by engineers of the owning team.");
        }
        var errors = new ValidationErrors();
        var version = Validate.Required(errors, "version", input.Version, 100);
        var environment = Validate.Required(errors, "environment", input.Environment, 50);
        var commit = Validate.Optional(errors, "commit", input.Commit, 100);
        var now = clock.GetUtcNow().UtcDateTime;
        var at = input.At?.UtcDateTime ?? now;
        if (at > now + TimeSpan.FromMinutes(5))
        {
            errors.Add("at", "at lies in the future; send the time the deployment happened (ISO 8601 with an offset).");
        }
        errors.ThrowIfAny();
        var deployment = new Deployment
        {
            ServiceId = service.Id,
            Version = version!,
            Environment = environment!,
            Commit = commit,
            At = at,
            RecordedAt = now,
            RecordedBy = actor.Name,
        };
        db.Deployments.Add(deployment);
        await db.SaveChangesAsync(ct);
        live.Publish(new DeploymentRecorded(service.Slug, deployment.Version, deployment.Environment));
        return new DeploymentDetails(deployment.Id, service.Slug, deployment.Version, deployment.Environment, deployment.Commit, deployment.At, deployment.RecordedAt, deployment.RecordedBy);
    }

    public async Task<Page<DeploymentDetails>> ListAsync(string slug, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Slug.Key(slug);
        var serviceId = await db.Services.Where(s => s.SlugKey == key).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"Service '{slug}'");
        var query = db.Deployments.AsNoTracking().Where(d => d.ServiceId == serviceId);
        var total = await query.CountAsync(ct);
        if (page.After is { } after && long.TryParse(after, System.Globalization.CultureInfo.InvariantCulture, out var afterId))
        {
            query = query.Where(d => d.Id < afterId);
        }
        var rows = await query.OrderByDescending(d => d.Id).Take(page.Limit + 1)
            .Select(d => new DeploymentDetails(d.Id, d.Service.Slug, d.Version, d.Environment, d.Commit, d.At, d.RecordedAt, d.RecordedBy))
            .ToListAsync(ct);
        var next = rows.Count > page.Limit ? PageRequest.EncodeCursor(rows[page.Limit - 1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        return new Page<DeploymentDetails>(rows.Take(page.Limit).ToList(), next, total);
    }
}
