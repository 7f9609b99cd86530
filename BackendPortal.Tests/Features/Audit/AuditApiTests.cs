using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Audit;

public sealed class AuditApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<HttpClient> AdminClientAsync() =>
        factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Admin), "read,admin"));

    private static async Task<JsonDocument> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Writes entries through the service, as the app does, for one made-up actor.</summary>
    private async Task<string> SeedAsync(params (string Action, string? EntityType, string? EntityKey)[] entries)
    {
        var actor = PortalFactory.Unique("auditee") + "@example.com";
        foreach (var (action, type, key) in entries)
        {
            await factory.WithServiceAsync<AuditService, int>(async s =>
            {
                await s.RecordAsync(action, "id-" + actor, actor, "seeded", type, key);
                return 0;
            });
        }
        return actor;
    }

    [Fact]
    public async Task Filters_by_actor_action_and_entity_newest_first()
    {
        var actor = await SeedAsync(
            (AuditActions.EntityCreated, "service", "alpha"),
            (AuditActions.EntityUpdated, "service", "alpha"),
            (AuditActions.EntityUpdated, "team", "alpha"),
            (AuditActions.SignInSucceeded, null, null));
        var client = await AdminClientAsync();

        using var byActor = await JsonAsync(await client.GetAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}"));
        Assert.Equal(4, byActor.RootElement.GetProperty("total").GetInt32());
        var ids = byActor.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal(AuditActions.SignInSucceeded, byActor.RootElement.GetProperty("items")[0].GetProperty("action").GetString());

        using var byAction = await JsonAsync(await client.GetAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&action=entity.updated"));
        Assert.Equal(2, byAction.RootElement.GetProperty("total").GetInt32());

        using var byEntity = await JsonAsync(await client.GetAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&entityType=service&entityKey=alpha"));
        Assert.Equal(
            [AuditActions.EntityUpdated, AuditActions.EntityCreated],
            byEntity.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()));

        using var byId = await JsonAsync(await client.GetAsync($"/api/v1/audit?actor=id-{Uri.EscapeDataString(actor)}"));
        Assert.Equal(4, byId.RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Since_and_until_bound_the_time()
    {
        var actor = await SeedAsync((AuditActions.SignOut, null, null));
        var client = await AdminClientAsync();
        var now = DateTime.UtcNow;
        string Url(DateTime since, DateTime until) => FormattableString.Invariant(
            $"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&since={since:yyyy-MM-ddTHH:mm:ssZ}&until={until:yyyy-MM-ddTHH:mm:ssZ}");

        using var around = await JsonAsync(await client.GetAsync(Url(now.AddMinutes(-5), now.AddMinutes(5))));
        using var before = await JsonAsync(await client.GetAsync(Url(now.AddDays(-2), now.AddDays(-1))));
        using var dateOnly = await JsonAsync(await client.GetAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&since={now.AddDays(1):yyyy-MM-dd}"));

        Assert.Equal(1, around.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(0, before.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(0, dateOnly.RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Cursor_walks_every_entry_once_newest_first()
    {
        var actor = await SeedAsync([.. Enumerable.Range(0, 5).Select(i => (AuditActions.EntityUpdated, (string?)"service", (string?)$"svc-{i}"))]);
        var client = await AdminClientAsync();
        var keys = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var page = await JsonAsync(await client.GetAsync(
                $"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}")));
            Assert.Equal(5, page.RootElement.GetProperty("total").GetInt32());
            keys.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("entityKey").GetString()!));
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["svc-4", "svc-3", "svc-2", "svc-1", "svc-0"], keys);
    }

    [Theory]
    [InlineData("since=yesterday", "since")]
    [InlineData("until=2026-13-45", "until")]
    [InlineData("action=entity.exploded", "action")]
    [InlineData("limit=0", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Bad_parameters_are_400_problem_details_naming_the_field(string query, string field)
    {
        var client = await AdminClientAsync();

        var response = await client.GetAsync("/api/v1/audit?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
    }

    [Fact]
    public async Task Csv_export_follows_the_filter()
    {
        var actor = await SeedAsync((AuditActions.EntityCreated, "service", "csv-one"), (AuditActions.EntityDeleted, "service", "csv-one"));
        var client = await AdminClientAsync();

        var response = await client.GetAsync($"/api/v1/audit/export.csv?actor={Uri.EscapeDataString(actor)}&action=entity.deleted");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,action,actorId,actorName,ip,entityType,entityKey,summary,before,after", lines[0].TrimEnd('\r'));
        var row = Assert.Single(lines.Skip(1));
        Assert.Contains(",entity.deleted,", row);
        Assert.Contains(actor, row);
    }

    [Theory]
    [InlineData(Roles.Viewer, "read")]
    [InlineData(Roles.Engineer, "read,write")]
    [InlineData(Roles.Admin, "read,write")]
    public async Task Callers_without_admin_role_and_scope_get_403(string role, string scopes)
    {
        var client = factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(role), scopes));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/audit/export.csv")).StatusCode);
    }

    [Fact]
    public async Task Signed_in_non_admins_are_refused_the_api_and_the_page()
    {
        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Engineer));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/audit")).StatusCode);
        var page = await client.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/AccessDenied", page.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Admins_open_the_page()
    {
        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Admin));

        var page = await client.GetAsync("/admin/audit");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Audit log", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public void No_route_can_change_or_remove_an_entry()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.Contains("audit", StringComparison.OrdinalIgnoreCase) == true)
            .ToList();

        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/v1/audit/");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/admin/audit");
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [];
            Assert.True(methods.Count > 0, $"{endpoint.RoutePattern.RawText} accepts every method");
            // Pages take GET and the POST of their (none here) forms; the API only GET.
            var writes = methods.Except(["GET", "HEAD"]).ToList();
            if (endpoint.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            {
                Assert.Empty(writes);
            }
        }
    }

    [Fact]
    public async Task Entries_are_the_list_shape_with_every_field()
    {
        var actor = await SeedAsync((AuditActions.EntityCreated, "service", "shape"));
        var client = await AdminClientAsync();

        using var json = await JsonAsync(await client.GetAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}"));

        var item = json.RootElement.GetProperty("items")[0];
        foreach (var field in new[] { "id", "at", "action", "actorId", "actorName", "ip", "entityType", "entityKey", "summary", "before", "after" })
        {
            Assert.True(item.TryGetProperty(field, out _), $"no {field}");
        }
        Assert.True(json.RootElement.TryGetProperty("nextCursor", out _));
        Assert.Equal(DateTimeKind.Utc, item.GetProperty("at").GetDateTime().Kind);
    }
}
