using BackendPortal.Data;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Features.Operations;

public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder api)
    {
        foreach (var target in new[] { HealthTarget.Service, HealthTarget.Database })
        {
            var prefix = target == HealthTarget.Service ? "/services/{slug}" : "/databases/{slug}";
            var tag = target == HealthTarget.Service ? "Services" : "Databases";
            var g = api.MapGroup(prefix).WithTags(tag, "Health").RequireAuthorization(Policies.Read);
            g.MapGet("/health-check", (HealthChecksService s, string slug, CancellationToken ct) => GetCheck(s, target, slug, ct))
                .WithName($"Get{target}HealthCheck").WithSummary($"Get the {tag.ToLowerInvariant()[..^1]}'s health check").WithDescription("Header values are write-only: only their names are returned.");
            g.MapPut("/health-check", (HealthChecksService s, string slug, [FromBody] HealthCheckInput input, HttpContext http, CancellationToken ct) => PutCheck(s, target, slug, input, http, ct))
                .RequireAuthorization(Policies.WriteCatalog).WithName($"Put{target}HealthCheck")
                .WithSummary("Create or replace the health check")
                .WithDescription("Owner team's engineers and admins. `headers` omitted keeps the stored headers; a header whose value is null keeps its stored value; `{}` removes them. Probed within one interval.");
            g.MapDelete("/health-check", (HealthChecksService s, string slug, HttpContext http, CancellationToken ct) => DeleteCheck(s, target, slug, http, ct))
                .RequireAuthorization(Policies.WriteCatalog).WithName($"Delete{target}HealthCheck").WithSummary("Delete the health check and its history");
            g.MapGet("/health", (HealthChecksService s, string slug, CancellationToken ct) => GetHealth(s, target, slug, ct))
                .WithName($"Get{target}Health").WithSummary("Current status, uptime (percent) and p95 latency")
                .WithDescription("status is up, down, degraded or unknown; uptime24h/7d/30d are percentages of probes that found it up or degraded; latencyP95Ms is over 24 hours.");
        }

        var services = api.MapGroup("/services/{slug}").WithTags("Services").RequireAuthorization(Policies.Read);
        services.MapPost("/deployments", PostDeployment).RequireAuthorization(OperationsPolicies.PostDeployments)
            .WithSummary("Record a deployment").WithDescription("From CI: an ingest token (Admin/QA) for any service, or an owner-team engineer's write token. `at` defaults to now.");
        services.MapGet("/deployments", ListDeployments).WithSummary("List a service's deployments, newest first");
        services.MapGet("/timeline", Timeline).WithSummary("One timeline for a service")
            .WithDescription("Health status changes, deployments, incidents and their updates, and whatever other modules add; newest first. Filter with kind (repeatable or comma-separated), since and until (ISO 8601). total counts the items of this page.");

        var incidents = api.MapGroup("/incidents").WithTags("Incidents").RequireAuthorization(Policies.Read);
        incidents.MapGet("/", ListIncidents).WithSummary("List incidents, newest first").WithDescription("status=open|resolved|all (default all); service=slug; team=slug.");
        incidents.MapGet("/metrics", Metrics).WithSummary("MTTA and MTTR per service or team").WithDescription("by=service|team (default service); days=window of opening (default 90).");
        incidents.MapGet("/{id:int}", GetIncident).WithSummary("Get an incident with its timeline and postmortem");
        incidents.MapPost("/", CreateIncident).RequireAuthorization(OperationsPolicies.WorkIncidents).WithSummary("Open an incident")
            .WithDescription("severity SEV1–SEV4; services are slugs; commander is a person's slug or a user's email. Starts as investigating.");
        incidents.MapMethods("/{id:int}", ["PATCH"], PatchIncident).RequireAuthorization(OperationsPolicies.WorkIncidents)
            .WithSummary("Change an incident's status, severity, title or commander").WithDescription("Any status may follow any other; each change is a timeline entry. If-Match is optional.");
        incidents.MapPost("/{id:int}/timeline", AddNote).RequireAuthorization(OperationsPolicies.WorkIncidents).WithSummary("Add a note to the incident's timeline");
        incidents.MapPut("/{id:int}/postmortem", PutPostmortem).RequireAuthorization(OperationsPolicies.WorkIncidents)
            .WithSummary("Write the postmortem").WithDescription("Markdown fields (raw HTML is not rendered); action items with owner and due date (yyyy-MM-dd).");
        return api;
    }

    private static async Task<Results<Ok<HealthCheckDetails>, NotFound<ProblemDetails>>> GetCheck(HealthChecksService s, HealthTarget target, string slug, CancellationToken ct) =>
        await s.GetAsync(target, slug, ct) is { } check
            ? TypedResults.Ok(check)
            : TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "Not found.", Detail = $"'{slug}' has no health check yet; PUT one." });

    private static async Task<Ok<HealthCheckDetails>> PutCheck(HealthChecksService s, HealthTarget target, string slug, HealthCheckInput input, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await s.SaveAsync(Actor.From(http.User), target, slug, input, ct));

    private static async Task<NoContent> DeleteCheck(HealthChecksService s, HealthTarget target, string slug, HttpContext http, CancellationToken ct)
    {
        await s.DeleteAsync(Actor.From(http.User), target, slug, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<HealthSummary>> GetHealth(HealthChecksService s, HealthTarget target, string slug, CancellationToken ct) =>
        TypedResults.Ok(await s.SummaryAsync(target, slug, ct));

    private static async Task<Created<DeploymentDetails>> PostDeployment(DeploymentsService s, string slug, [FromBody] DeploymentInput input, HttpContext http, CancellationToken ct)
    {
        var d = await s.RecordAsync(Actor.From(http.User), slug, input, ct);
        return TypedResults.Created($"/api/v1/services/{d.Service}/deployments", d);
    }

    private static async Task<Ok<Page<DeploymentDetails>>> ListDeployments(DeploymentsService s, string slug, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await s.ListAsync(slug, PageRequest.Parse(limit, cursor), ct));

    private static async Task<Ok<Page<TimelineItem>>> Timeline(
        TimelineService s, string slug, [FromQuery] string[]? kind, DateTimeOffset? since, DateTimeOffset? until, int? limit, string? cursor, CancellationToken ct)
    {
        var kinds = kind?.SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        return TypedResults.Ok(await s.GetAsync(slug, kinds, since?.UtcDateTime, until?.UtcDateTime, PageRequest.Parse(limit, cursor), ct));
    }

    private static async Task<Ok<Page<IncidentSummary>>> ListIncidents(IncidentsService s, string? status, string? service, string? team, int? limit, string? cursor, CancellationToken ct) =>
        TypedResults.Ok(await s.ListAsync(new IncidentFilter(status, service, team), PageRequest.Parse(limit, cursor), ct));

    private static async Task<Ok<IReadOnlyList<IncidentMetrics>>> Metrics(IncidentsService s, TimeProvider clock, string? by, int? days, CancellationToken ct)
    {
        var scope = by?.Trim().ToLowerInvariant() ?? "service";
        var window = days ?? 90;
        var errors = new ValidationErrors();
        if (scope is not ("service" or "team"))
        {
            errors.Add("by", "by must be service or team.");
        }
        if (window is < 1 or > 3660)
        {
            errors.Add("days", "days must be between 1 and 3660.");
        }
        errors.ThrowIfAny();
        return TypedResults.Ok(await s.MetricsAsync(scope, clock.GetUtcNow().UtcDateTime.AddDays(-window), null, ct));
    }

    private static async Task<Ok<IncidentDetails>> GetIncident(IncidentsService s, int id, HttpResponse response, CancellationToken ct)
    {
        var incident = await s.GetAsync(id, ct);
        ApiConventions.SetETag(response, incident.ETag);
        return TypedResults.Ok(incident);
    }

    private static async Task<Created<IncidentDetails>> CreateIncident(IncidentsService s, [FromBody] IncidentInput input, HttpContext http, CancellationToken ct)
    {
        var incident = await s.CreateAsync(Actor.From(http.User), input, ct);
        ApiConventions.SetETag(http.Response, incident.ETag);
        return TypedResults.Created($"/api/v1/incidents/{incident.Id}", incident);
    }

    private static async Task<Ok<IncidentDetails>> PatchIncident(IncidentsService s, int id, [FromBody] IncidentPatch patch, HttpContext http, CancellationToken ct)
    {
        var incident = await s.UpdateAsync(Actor.From(http.User), id, patch, ApiConventions.OptionalIfMatch(http.Request), ct);
        ApiConventions.SetETag(http.Response, incident.ETag);
        return TypedResults.Ok(incident);
    }

    private static async Task<Created<IncidentEntryDetails>> AddNote(IncidentsService s, int id, [FromBody] IncidentNoteInput input, HttpContext http, CancellationToken ct)
    {
        var entry = await s.AddNoteAsync(Actor.From(http.User), id, input, ct);
        return TypedResults.Created($"/api/v1/incidents/{id}", entry);
    }

    private static async Task<Ok<IncidentDetails>> PutPostmortem(IncidentsService s, int id, [FromBody] PostmortemInput input, HttpContext http, CancellationToken ct)
    {
        var incident = await s.SavePostmortemAsync(Actor.From(http.User), id, input, ApiConventions.OptionalIfMatch(http.Request), ct);
        ApiConventions.SetETag(http.Response, incident.ETag);
        return TypedResults.Ok(incident);
    }
}
