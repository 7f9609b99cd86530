using System.Net.Http.Json;
using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Operations;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Integration;

/// <summary>The operations module's rows of the authorization matrix.</summary>
public static class OperationsMatrix
{
    private static readonly Expect IncidentWorkers201 = new(401, 403, 201, 201, 201, 201);
    private static readonly Expect IncidentWorkers200 = new(401, 403, 200, 200, 200, 200);
    private static readonly Expect Deployers = new(401, 403, 201, 201, 403, 201);

    private static HttpRequestMessage Json(HttpMethod method, string url, object body) => new(method, url) { Content = JsonContent.Create(body) };

    private static async Task EnsureCheckAsync(MatrixData data, HealthTarget target, string slug) =>
        await data.Factory.WithServiceAsync<HealthChecksService, HealthCheckDetails>(s =>
            s.SaveAsync(Actor.System, target, slug, new HealthCheckInput { Url = "http://127.0.0.1:9/health", IntervalSeconds = 60, Enabled = false }));

    private static async Task<string> NewDatabaseAsync(MatrixData data) => await data.Factory.WithDbAsync(async db =>
    {
        var teamKey = Slug.Key(data.TeamSlug);
        var slug = Infrastructure.PortalFactory.Unique("db");
        var database = new CatalogDatabase
        {
            Slug = slug,
            SlugKey = Slug.Key(slug),
            Name = slug,
            OwnerTeamId = await db.Teams.Where(t => t.SlugKey == teamKey).Select(t => t.Id).FirstAsync(),
        };
        database.Stamp("test", DateTime.UtcNow);
        db.Databases.Add(database);
        await db.SaveChangesAsync();
        return slug;
    });

    private static async Task<int> NewIncidentAsync(MatrixData data) =>
        (await data.Factory.WithServiceAsync<IncidentsService, IncidentDetails>(s =>
            s.CreateAsync(Actor.System, new IncidentInput { Title = "Matrix incident", Severity = "SEV3", Services = [data.ServiceSlug] }))).Id;

    private static readonly object CheckBody = new { url = "http://127.0.0.1:9/health", intervalSeconds = 60, enabled = false };

    public static IReadOnlyList<EndpointRow> Rows { get; } =
    [
        new("GET", "/api/v1/services/{slug}/health-check", Expect.Read, async (data, _) =>
        {
            await EnsureCheckAsync(data, HealthTarget.Service, data.ServiceSlug);
            return new HttpRequestMessage(HttpMethod.Get, $"/api/v1/services/{data.ServiceSlug}/health-check");
        }),
        new("PUT", "/api/v1/services/{slug}/health-check", Expect.OwnedWrite(200), (data, _) =>
            Task.FromResult(Json(HttpMethod.Put, $"/api/v1/services/{data.ServiceSlug}/health-check", CheckBody))),
        new("DELETE", "/api/v1/services/{slug}/health-check", Expect.OwnedWrite(204), async (data, _) =>
        {
            var service = await data.Factory.CreateServiceAsync(data.TeamSlug);
            await EnsureCheckAsync(data, HealthTarget.Service, service.Slug);
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/services/{service.Slug}/health-check");
        }),
        new("GET", "/api/v1/services/{slug}/health", Expect.Read, (data, _) =>
            Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/services/{data.ServiceSlug}/health"))),
        new("GET", "/api/v1/databases/{slug}/health-check", Expect.Read, async (data, _) =>
        {
            var slug = await NewDatabaseAsync(data);
            await EnsureCheckAsync(data, HealthTarget.Database, slug);
            return new HttpRequestMessage(HttpMethod.Get, $"/api/v1/databases/{slug}/health-check");
        }),
        new("PUT", "/api/v1/databases/{slug}/health-check", Expect.OwnedWrite(200), async (data, _) =>
            Json(HttpMethod.Put, $"/api/v1/databases/{await NewDatabaseAsync(data)}/health-check", CheckBody)),
        new("DELETE", "/api/v1/databases/{slug}/health-check", Expect.OwnedWrite(204), async (data, _) =>
        {
            var slug = await NewDatabaseAsync(data);
            await EnsureCheckAsync(data, HealthTarget.Database, slug);
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/databases/{slug}/health-check");
        }),
        new("GET", "/api/v1/databases/{slug}/health", Expect.Read, async (data, _) =>
            new HttpRequestMessage(HttpMethod.Get, $"/api/v1/databases/{await NewDatabaseAsync(data)}/health")),
        new("POST", "/api/v1/services/{slug}/deployments", Deployers, (data, _) =>
            Task.FromResult(Json(HttpMethod.Post, $"/api/v1/services/{data.ServiceSlug}/deployments", new { version = "1.0.0", environment = "production" }))),
        new("GET", "/api/v1/services/{slug}/deployments", Expect.Read, (data, _) =>
            Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/services/{data.ServiceSlug}/deployments"))),
        new("GET", "/api/v1/services/{slug}/timeline", Expect.Read, (data, _) =>
            Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/services/{data.ServiceSlug}/timeline"))),
        new("GET", "/api/v1/incidents/", Expect.Read, (_, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, "/api/v1/incidents/?status=open"))),
        new("GET", "/api/v1/incidents/metrics", Expect.Read, (_, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, "/api/v1/incidents/metrics?by=team"))),
        new("GET", "/api/v1/incidents/{id:int}", Expect.Read, async (data, _) =>
            new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{await NewIncidentAsync(data)}")),
        new("POST", "/api/v1/incidents/", IncidentWorkers201, (data, _) =>
            Task.FromResult(Json(HttpMethod.Post, "/api/v1/incidents", new { title = "Errors", severity = "SEV2", services = new[] { data.ServiceSlug } }))),
        new("PATCH", "/api/v1/incidents/{id:int}", IncidentWorkers200, async (data, _) =>
            Json(HttpMethod.Patch, $"/api/v1/incidents/{await NewIncidentAsync(data)}", new { status = "identified" })),
        new("POST", "/api/v1/incidents/{id:int}/timeline", IncidentWorkers201, async (data, _) =>
            Json(HttpMethod.Post, $"/api/v1/incidents/{await NewIncidentAsync(data)}/timeline", new { text = "Looking into it" })),
        new("PUT", "/api/v1/incidents/{id:int}/postmortem", IncidentWorkers200, async (data, _) =>
            Json(HttpMethod.Put, $"/api/v1/incidents/{await NewIncidentAsync(data)}/postmortem", new { summary = "It broke." })),
    ];
}
