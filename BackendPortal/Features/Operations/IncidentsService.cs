using System.Linq.Expressions;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Live;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Operations;

/// <summary>Incidents for the pages, the API and the prober: one piece of logic, three doors.</summary>
public sealed class IncidentsService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AuditService audit, ILiveEvents live)
{
    public static bool CanWork(Actor actor) =>
        actor.IsInAnyRole(Roles.Admin, Roles.Engineer, Roles.QA) && actor.HasScope(TokenScopes.Write);

    public static void RequireWorker(Actor actor)
    {
        if (!CanWork(actor))
        {
            throw new ForbiddenException(actor.IsTokenCaller && actor.IsInAnyRole(Roles.Admin, Roles.Engineer, Roles.QA)
                ? "This token lacks the 'write' scope."
                : "Only engineers, QA and admins can report and work incidents.");
        }
    }

    public async Task<IncidentDetails> CreateAsync(Actor actor, IncidentInput input, CancellationToken ct = default)
    {
        RequireWorker(actor);
        var errors = new ValidationErrors();
        var title = Validate.Required(errors, "title", input.Title, 200);
        var severity = IncidentText.ParseSeverity(input.Severity);
        if (severity is null)
        {
            errors.Add("severity", IncidentText.SeverityRule);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var serviceIds = await ResolveServicesAsync(db, errors, input.Services, ct);
        var commander = await ResolveCommanderAsync(db, errors, input.Commander, ct);
        errors.ThrowIfAny();
        var now = clock.GetUtcNow().UtcDateTime;
        var incident = new Incident
        {
            Title = title!,
            Severity = severity!.Value,
            Status = IncidentStatus.Investigating,
            OpenedAt = now,
            CommanderId = commander,
            Services = serviceIds.Select(id => new IncidentService { ServiceId = id }).ToList(),
            Entries = [new IncidentEntry { At = now, Kind = IncidentEntryKind.Opened, Status = IncidentStatus.Investigating, Text = $"Opened as {severity}.", Author = actor.Name }],
        };
        incident.Stamp(actor.Name, now);
        db.Incidents.Add(incident);
        await db.SaveChangesAsync(ct);
        audit.AddDataChange(db, actor, AuditActions.EntityCreated, "incident", incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Opened incident #{incident.Id} '{incident.Title}'", null, new { incident.Title, Severity = severity.ToString() });
        await db.SaveChangesAsync(ct);
        var details = await GetAsync(incident.Id, ct);
        live.Publish(new IncidentChanged(details.Id, details.Services));
        return details;
    }

    private static async Task<List<int>> ResolveServicesAsync(AppDbContext db, ValidationErrors errors, List<string>? slugs, CancellationToken ct)
    {
        var keys = (slugs ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(Slug.Key).Distinct().ToList();
        if (keys.Count > 50)
        {
            errors.Add("services", "An incident may name at most 50 services.");
            return [];
        }
        var found = await db.Services.Where(s => keys.Contains(s.SlugKey)).Select(s => new { s.Id, s.SlugKey }).ToListAsync(ct);
        foreach (var missing in keys.Except(found.Select(f => f.SlugKey)))
        {
            errors.Add("services", $"There is no service '{missing}'.");
        }
        return found.Select(f => f.Id).ToList();
    }

    private static async Task<int?> ResolveCommanderAsync(AppDbContext db, ValidationErrors errors, string? commander, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(commander))
        {
            return null;
        }
        var text = commander.Trim();
        var key = Slug.Key(text);
        var upper = text.ToUpperInvariant();
        var id = await db.People
            .Where(p => p.SlugKey == key || (p.Email != null && p.Email.ToUpper() == upper) || (p.User != null && p.User.NormalizedEmail == upper))
            .Select(p => (int?)p.Id)
            .FirstOrDefaultAsync(ct);
        if (id is null)
        {
            errors.Add("commander", $"There is no person '{text}' (give a person's slug or a user's email).");
        }
        return id;
    }

    public async Task<IncidentDetails> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var i = await db.Incidents.AsNoTracking().AsSplitQuery()
            .Include(x => x.Services).ThenInclude(s => s.Service)
            .Include(x => x.Entries)
            .Include(x => x.ActionItems)
            .Include(x => x.Commander)
            .FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new NotFoundException($"Incident #{id}");
        return new IncidentDetails(
            i.Id,
            i.Title,
            i.Severity.ToString(),
            IncidentText.Status(i.Status),
            i.Services.Select(s => s.Service.Slug).Order(StringComparer.Ordinal).ToList(),
            i.OpenedAt,
            i.AcknowledgedAt,
            i.ResolvedAt,
            i.Commander?.Slug,
            i.Commander?.Name,
            i.OpenedByCheckId is not null,
            i.Entries.OrderBy(e => e.At).ThenBy(e => e.Id)
                .Select(e => new IncidentEntryDetails(e.Id, e.At, e.Kind.ToString().ToLowerInvariant(), e.Status is { } s ? IncidentText.Status(s) : null, e.Text, e.Author))
                .ToList(),
            new PostmortemDetails(i.PostmortemSummary, i.PostmortemImpact, i.PostmortemRootCause, i.PostmortemNotes,
                i.ActionItems.OrderBy(a => a.Id).Select(a => new ActionItemDetails(a.Id, a.Text, a.Owner, a.DueDate, a.Done)).ToList()),
            i.Version);
    }

    private static IQueryable<Incident> Filtered(AppDbContext db, IncidentFilter filter)
    {
        var query = db.Incidents.AsNoTracking();
        var status = filter.Status?.Trim().ToLowerInvariant();
        query = status switch
        {
            null or "" or "all" => query,
            "open" => query.Where(i => i.Status != IncidentStatus.Resolved),
            "resolved" => query.Where(i => i.Status == IncidentStatus.Resolved),
            _ => throw new ValidationFailedException(new Dictionary<string, string[]> { ["status"] = ["status must be open, resolved or all."] }),
        };
        if (!string.IsNullOrWhiteSpace(filter.Service))
        {
            var key = Slug.Key(filter.Service);
            query = query.Where(i => i.Services.Any(s => s.Service.SlugKey == key));
        }
        if (!string.IsNullOrWhiteSpace(filter.Team))
        {
            var key = Slug.Key(filter.Team);
            query = query.Where(i => i.Services.Any(s => s.Service.OwnerTeam.SlugKey == key));
        }
        return query;
    }

    private static readonly Expression<Func<Incident, IncidentSummary>> Project = i => new IncidentSummary(
        i.Id,
        i.Title,
        i.Severity.ToString(),
        i.Status.ToString().ToLower(),
        i.Services.Select(s => s.Service.Slug).ToList(),
        i.OpenedAt,
        i.AcknowledgedAt,
        i.ResolvedAt,
        i.Commander != null ? i.Commander.Slug : null,
        i.OpenedByCheckId != null);

    /// <summary>Newest first; the cursor is the last id seen.</summary>
    public async Task<Page<IncidentSummary>> ListAsync(IncidentFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        if (page.After is { } after)
        {
            if (!int.TryParse(after, System.Globalization.CultureInfo.InvariantCulture, out var afterId))
            {
                throw new ValidationFailedException(new Dictionary<string, string[]> { ["cursor"] = ["cursor is not one this server issued."] });
            }
            query = query.Where(i => i.Id < afterId);
        }
        var rows = await query.OrderByDescending(i => i.Id).Take(page.Limit + 1).Select(Project).ToListAsync(ct);
        var next = rows.Count > page.Limit ? PageRequest.EncodeCursor(rows[page.Limit - 1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        return new Page<IncidentSummary>(rows.Take(page.Limit).Select(Sorted).ToList(), next, total);
    }

    public async Task<GridPage<IncidentSummary>> QueryAsync(IncidentFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderBy(i => i.Status == IncidentStatus.Resolved)
            .ThenBy(i => i.Severity)
            .ThenByDescending(i => i.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, PageRequest.MaxLimit))
            .Select(Project).ToListAsync(ct);
        return new GridPage<IncidentSummary>(rows.Select(Sorted).ToList(), total);
    }

    private static IncidentSummary Sorted(IncidentSummary s) => s with { Services = s.Services.Order(StringComparer.Ordinal).ToList() };

    public async Task<IncidentDetails> UpdateAsync(Actor actor, int id, IncidentPatch patch, Guid? expectedVersion = null, CancellationToken ct = default)
    {
        RequireWorker(actor);
        var errors = new ValidationErrors();
        IncidentStatus? status = null;
        if (patch.Status is not null && (status = IncidentText.ParseStatus(patch.Status)) is null)
        {
            errors.Add("status", IncidentText.StatusRule);
        }
        IncidentSeverity? severity = null;
        if (patch.Severity is not null && (severity = IncidentText.ParseSeverity(patch.Severity)) is null)
        {
            errors.Add("severity", IncidentText.SeverityRule);
        }
        var title = patch.Title is null ? null : Validate.Required(errors, "title", patch.Title, 200);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var commander = patch.Commander is null ? null : await ResolveCommanderAsync(db, errors, patch.Commander, ct);
        errors.ThrowIfAny();
        var incident = await db.Incidents.Include(i => i.Services).ThenInclude(s => s.Service)
            .FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new NotFoundException($"Incident #{id}");
        CheckVersion(incident, expectedVersion);
        var now = clock.GetUtcNow().UtcDateTime;
        if (status is { } s && s != incident.Status)
        {
            db.IncidentEntries.Add(new IncidentEntry
            {
                IncidentId = id,
                At = now,
                Kind = IncidentEntryKind.StatusChanged,
                Status = s,
                Text = $"Status {IncidentText.Status(incident.Status)} → {IncidentText.Status(s)}.",
                Author = actor.Name,
            });
            incident.Status = s;
            incident.AcknowledgedAt ??= now;
            incident.ResolvedAt = s == IncidentStatus.Resolved ? now : null;
        }
        if (severity is { } sev && sev != incident.Severity)
        {
            db.IncidentEntries.Add(new IncidentEntry { IncidentId = id, At = now, Kind = IncidentEntryKind.Note, Text = $"Severity {incident.Severity} → {sev}.", Author = actor.Name });
            incident.Severity = sev;
        }
        if (title is not null)
        {
            incident.Title = title;
        }
        if (patch.Commander is not null)
        {
            incident.CommanderId = commander;
        }
        incident.Stamp(actor.Name, now);
        audit.AddDataChange(db, actor, AuditActions.EntityUpdated, "incident", id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Updated incident #{id}", null, new { patch.Status, patch.Severity, patch.Title });
        await SaveAsync(db, incident, ct);
        live.Publish(new IncidentChanged(id, incident.Services.Select(x => x.Service.Slug).ToList()));
        return await GetAsync(id, ct);
    }

    public async Task<IncidentEntryDetails> AddNoteAsync(Actor actor, int id, IncidentNoteInput input, CancellationToken ct = default)
    {
        RequireWorker(actor);
        var errors = new ValidationErrors();
        var text = Validate.Required(errors, "text", input.Text, 4000);
        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var incident = await db.Incidents.Include(i => i.Services).ThenInclude(s => s.Service)
            .FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new NotFoundException($"Incident #{id}");
        var now = clock.GetUtcNow().UtcDateTime;
        var entry = new IncidentEntry { IncidentId = id, At = now, Kind = IncidentEntryKind.Note, Text = text!, Author = actor.Name };
        db.IncidentEntries.Add(entry);
        incident.AcknowledgedAt ??= now;
        incident.Stamp(actor.Name, now);
        await SaveAsync(db, incident, ct);
        live.Publish(new IncidentChanged(id, incident.Services.Select(x => x.Service.Slug).ToList()));
        return new IncidentEntryDetails(entry.Id, entry.At, "note", null, entry.Text, entry.Author);
    }

    public async Task<IncidentDetails> SavePostmortemAsync(Actor actor, int id, PostmortemInput input, Guid? expectedVersion = null, CancellationToken ct = default)
    {
        RequireWorker(actor);
        var errors = new ValidationErrors();
        var summary = Validate.Optional(errors, "summary", input.Summary, 20000);
        var impact = Validate.Optional(errors, "impact", input.Impact, 20000);
        var rootCause = Validate.Optional(errors, "rootCause", input.RootCause, 20000);
        var notes = Validate.Optional(errors, "notes", input.Notes, 20000);
        var items = new List<IncidentActionItem>();
        foreach (var (item, index) in (input.ActionItems ?? []).Select((x, n) => (x, n)))
        {
            var text = Validate.Required(errors, $"actionItems[{index}].text", item.Text, 1000);
            var owner = Validate.Optional(errors, $"actionItems[{index}].owner", item.Owner, 200);
            items.Add(new IncidentActionItem { Text = text ?? "", Owner = owner, DueDate = item.DueDate, Done = item.Done });
        }
        if (items.Count > 100)
        {
            errors.Add("actionItems", "A postmortem may list at most 100 action items.");
        }
        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var incident = await db.Incidents.Include(i => i.ActionItems).Include(i => i.Services).ThenInclude(s => s.Service)
            .FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new NotFoundException($"Incident #{id}");
        CheckVersion(incident, expectedVersion);
        incident.PostmortemSummary = summary;
        incident.PostmortemImpact = impact;
        incident.PostmortemRootCause = rootCause;
        incident.PostmortemNotes = notes;
        db.IncidentActionItems.RemoveRange(incident.ActionItems);
        incident.ActionItems = items;
        var now = clock.GetUtcNow().UtcDateTime;
        db.IncidentEntries.Add(new IncidentEntry { IncidentId = id, At = now, Kind = IncidentEntryKind.Postmortem, Text = "Postmortem updated.", Author = actor.Name });
        incident.Stamp(actor.Name, now);
        await SaveAsync(db, incident, ct);
        live.Publish(new IncidentChanged(id, incident.Services.Select(x => x.Service.Slug).ToList()));
        return await GetAsync(id, ct);
    }

    private static void CheckVersion(Incident incident, Guid? expected)
    {
        if (expected is { } v && v != incident.Version)
        {
            throw new ConcurrencyConflictException($"Incident #{incident.Id}", incident.UpdatedBy, incident.UpdatedAt, incident.ETag);
        }
    }

    private static async Task SaveAsync(AppDbContext db, Incident incident, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException($"Incident #{incident.Id}", "someone else", DateTime.UtcNow, incident.ETag);
        }
    }

    /// <summary>
    /// Called by the prober in its own unit of work after a check's status was computed: opens an
    /// incident when the service stayed down long enough (never a second one while one is open) and
    /// writes down and recovery entries into the open incidents of that service.
    /// </summary>
    public static async Task<IncidentChanged?> ApplyHealthAsync(AppDbContext db, HealthCheck check, int serviceId, HealthStatus previous, DateTime now, CancellationToken ct)
    {
        var flipped = check.Status != previous;
        var isDown = check.Status == HealthStatus.Down;
        var wasDown = previous == HealthStatus.Down;
        var dueForIncident = isDown && check.AutoIncidentAfterSeconds is { } after && check.StatusSince is { } since && now - since >= TimeSpan.FromSeconds(after);
        if (!flipped && !dueForIncident)
        {
            return null;
        }
        var open = await db.Incidents
            .Where(i => i.Status != IncidentStatus.Resolved && i.Services.Any(s => s.ServiceId == serviceId))
            .ToListAsync(ct);
        var slug = check.Service?.Slug ?? "";
        if (flipped && (isDown || wasDown))
        {
            var text = isDown
                ? $"Health check down: {check.LastReason ?? "no reason given"}"
                : $"Health check recovered: {check.Status.ToString().ToLowerInvariant()}{(check.LastLatencyMs is { } ms ? $" in {ms} ms" : "")}.";
            foreach (var incident in open)
            {
                db.IncidentEntries.Add(new IncidentEntry { IncidentId = incident.Id, At = now, Kind = IncidentEntryKind.Health, Text = text, Author = "health check" });
            }
            if (open.Count > 0)
            {
                return new IncidentChanged(open[0].Id, [slug]);
            }
        }
        if (dueForIncident && open.Count == 0)
        {
            var incident = new Incident
            {
                Title = $"{check.Service?.Name ?? slug} is down",
                Severity = IncidentSeverity.SEV2,
                Status = IncidentStatus.Investigating,
                OpenedAt = now,
                OpenedByCheckId = check.Id,
                Services = [new IncidentService { ServiceId = serviceId }],
                Entries =
                [
                    new IncidentEntry
                    {
                        At = now,
                        Kind = IncidentEntryKind.Opened,
                        Status = IncidentStatus.Investigating,
                        Text = $"Opened automatically: the health check has been down since {check.StatusSince:yyyy-MM-dd HH:mm:ss} UTC ({check.LastReason}).",
                        Author = "health check",
                    },
                ],
            };
            incident.Stamp("health check", now);
            db.Incidents.Add(incident);
            return new IncidentChanged(0, [slug]);
        }
        return null;
    }

    /// <summary>MTTA and MTTR per service (or per owner team) over incidents opened since <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<IncidentMetrics>> MetricsAsync(string scope, DateTime since, string? key = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.IncidentServices.AsNoTracking()
            .Where(x => x.Incident.OpenedAt >= since)
            .Select(x => new
            {
                x.IncidentId,
                Service = x.Service.Slug,
                Team = x.Service.OwnerTeam.Slug,
                x.Incident.OpenedAt,
                x.Incident.AcknowledgedAt,
                x.Incident.ResolvedAt,
                x.Incident.Status,
            })
            .ToListAsync(ct);
        var byTeam = string.Equals(scope, "team", StringComparison.OrdinalIgnoreCase);
        return rows
            .GroupBy(r => byTeam ? r.Team : r.Service, StringComparer.OrdinalIgnoreCase)
            .Where(g => key is null || string.Equals(g.Key, key, StringComparison.OrdinalIgnoreCase))
            .Select(g =>
            {
                var incidents = g.DistinctBy(r => r.IncidentId).ToList();
                var acked = incidents.Where(r => r.AcknowledgedAt is not null).Select(r => (r.AcknowledgedAt!.Value - r.OpenedAt).TotalMinutes).ToList();
                var resolved = incidents.Where(r => r.ResolvedAt is not null).Select(r => (r.ResolvedAt!.Value - r.OpenedAt).TotalMinutes).ToList();
                return new IncidentMetrics(
                    byTeam ? "team" : "service",
                    g.Key,
                    incidents.Count,
                    incidents.Count(r => r.Status != IncidentStatus.Resolved),
                    acked.Count == 0 ? null : Math.Round(acked.Average(), 1),
                    resolved.Count == 0 ? null : Math.Round(resolved.Average(), 1));
            })
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .ToList();
    }
}
