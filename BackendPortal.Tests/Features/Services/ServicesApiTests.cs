using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.Services;

public sealed class ServicesApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string Problem = "application/problem+json";

    private async Task<(HttpClient Client, string Team)> EngineerWithTeamAsync()
    {
        var team = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, engineer);
        return (factory.BearerClient(await factory.CreateTokenAsync(engineer)), team.Slug);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(Problem, response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        return json;
    }

    [Fact]
    public async Task Post_creates_with_201_location_and_etag_and_get_returns_the_etag()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var input = PortalFactory.NewServiceInput(team);
        input.Languages = ["Go"];
        var created = await client.PostAsJsonAsync("/api/v1/services", input);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/services/{input.Slug}", created.Headers.Location?.OriginalString);
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        foreach (var field in new[] { "slug", "name", "description", "owner", "lifecycle", "tier", "languages", "framework", "repositoryUrl", "runbookUrl", "tags" })
        {
            Assert.True(json.TryGetProperty(field, out _), $"service JSON lacks '{field}'");
        }
        Assert.Equal(team, json.GetProperty("owner").GetString());
        Assert.Equal("Go", json.GetProperty("languages")[0].GetString());

        var get = await client.GetAsync(created.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.NotNull(get.Headers.ETag);
        Assert.Equal(created.Headers.ETag, get.Headers.ETag);
        var version = (await factory.WithServiceAsync<ServiceCatalogService, ServiceDetails>(s => s.GetAsync(input.Slug!))).ETag;
        Assert.Equal(version, get.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Put_needs_if_match_refuses_a_stale_one_and_returns_the_new_etag()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var service = await factory.CreateServiceAsync(team);
        var url = $"/api/v1/services/{service.Slug}";
        var input = ServiceInput.From(service);
        input.Name = "Renamed";

        var missing = await client.PutAsJsonAsync(url, input);
        await ProblemAsync(missing, HttpStatusCode.PreconditionRequired);

        var get = await client.GetAsync(url);
        var etag = get.Headers.ETag!;
        using var fresh = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(input) };
        fresh.Headers.IfMatch.Add(etag);
        var ok = await client.SendAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotNull(ok.Headers.ETag);
        Assert.NotEqual(etag, ok.Headers.ETag);
        Assert.Equal("Renamed", JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString());

        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(input) };
        stale.Headers.IfMatch.Add(etag);
        var refused = await ProblemAsync(await client.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        Assert.False(string.IsNullOrEmpty(refused.GetProperty("changedBy").GetString()));

        using var garbage = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(input) };
        garbage.Headers.TryAddWithoutValidation("If-Match", "\"not-a-version\"");
        await ProblemAsync(await client.SendAsync(garbage), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Errors_are_problem_details_with_field_errors_for_400()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var bad = PortalFactory.NewServiceInput(team, "not a slug");
        bad.RepositoryUrl = "ftp://example.com";
        var invalid = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/services", bad), HttpStatusCode.BadRequest);
        var errors = invalid.GetProperty("errors");
        Assert.Contains("not a valid slug", errors.GetProperty("slug")[0].GetString());
        Assert.Contains("https://", errors.GetProperty("repositoryUrl")[0].GetString());

        using var unreadable = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
        await ProblemAsync(await client.PostAsync("/api/v1/services", unreadable), HttpStatusCode.BadRequest);

        await ProblemAsync(await factory.AnonymousClient().GetAsync("/api/v1/services"), HttpStatusCode.Unauthorized);
        await ProblemAsync(await client.GetAsync("/api/v1/services/no-such-service"), HttpStatusCode.NotFound);

        var viewer = factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Viewer)));
        await ProblemAsync(await viewer.PostAsJsonAsync("/api/v1/services", PortalFactory.NewServiceInput(team)), HttpStatusCode.Forbidden);

        var existing = await factory.CreateServiceAsync(team);
        var duplicate = PortalFactory.NewServiceInput(team, existing.Slug.ToUpperInvariant());
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/services", duplicate), HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    [InlineData("-5")]
    public async Task A_limit_outside_1_to_200_is_400(string limit)
    {
        var (client, _) = await EngineerWithTeamAsync();
        var problem = await ProblemAsync(await client.GetAsync($"/api/v1/services?limit={limit}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
        await ProblemAsync(await client.GetAsync($"/api/v1/teams?limit={limit}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Lists_have_items_next_cursor_and_total_and_the_cursor_pages()
    {
        var (client, team) = await EngineerWithTeamAsync();
        for (var i = 0; i < 3; i++)
        {
            await factory.CreateServiceAsync(team);
        }

        var first = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/services?owner={team}&limit=2")).RootElement;
        Assert.Equal(["items", "nextCursor", "total"], first.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/services?owner={team}&limit=2&cursor={cursor}")).RootElement;
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var teams = JsonDocument.Parse(await client.GetStringAsync("/api/v1/teams?limit=200")).RootElement;
        Assert.Equal(["items", "nextCursor", "total"], teams.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains(teams.GetProperty("items").EnumerateArray(), t => t.GetProperty("slug").GetString() == team);
    }

    [Fact]
    public async Task Delete_is_204_then_404()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var service = await factory.CreateServiceAsync(team);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/services/{service.Slug}")).StatusCode);
        await ProblemAsync(await client.GetAsync($"/api/v1/services/{service.Slug}"), HttpStatusCode.NotFound);
        await ProblemAsync(await client.DeleteAsync($"/api/v1/services/{service.Slug}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Csv_export_is_text_csv_with_a_header_row_and_the_filtered_rows()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var service = await factory.CreateServiceAsync(team, configure: s => s.Description = "=cmd|' /C calc'!A0");
        var response = await client.GetAsync($"/api/v1/services/export.csv?owner={team}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("slug,name,owner,lifecycle,tier,languages,framework,repositoryUrl,runbookUrl,tags,description,updatedAt,updatedBy,"
            + "system,dependsOn,databases,providesApis,consumesApis", lines[0].TrimEnd('\r'));
        var row = Assert.Single(lines.Skip(1));
        Assert.StartsWith(service.Slug + ",", row);
        Assert.Contains("'=cmd", row);

        var teams = await client.GetAsync("/api/v1/teams/export.csv");
        Assert.Equal("text/csv", teams.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("slug,name,description,members,leads,services", await teams.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_endpoints_are_anonymous()
    {
        var anonymous = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        var ready = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApi_document_needs_sign_in_and_documents_services_and_teams()
    {
        await ProblemAsync(await factory.AnonymousClient().GetAsync("/openapi/v1.json"), HttpStatusCode.Unauthorized);

        var viewer = await factory.CreateUserAsync(Roles.Viewer);
        foreach (var client in new[] { await factory.SignInAsync(viewer), factory.BearerClient(await factory.CreateTokenAsync(viewer, "read")) })
        {
            var response = await client.GetAsync("/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
            foreach (var path in new[] { "/api/v1/services", "/api/v1/services/{slug}", "/api/v1/teams", "/api/v1/teams/{slug}" })
            {
                Assert.True(paths.TryGetProperty(path, out _) || paths.TryGetProperty(path + "/", out _), $"OpenAPI lacks {path}");
            }
            var list = paths.EnumerateObject().First(p => p.Name.TrimEnd('/') == "/api/v1/services").Value.GetProperty("get");
            Assert.Equal("List services", list.GetProperty("summary").GetString());
        }
    }

    [Fact]
    public async Task A_token_authenticated_post_uses_the_bearer_scheme_challenge()
    {
        var response = await factory.BearerClient("bp_nope").GetAsync("/api/v1/services");
        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }
}

/// <summary>Body limits need a real server: the in-memory test server has no request-size feature.</summary>
public sealed class ServicesApiBodyLimitTests(KestrelPortalFactory factory) : IClassFixture<KestrelPortalFactory>
{
    [Fact]
    public async Task A_body_over_the_limit_is_413_problem_details()
    {
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        var team = await factory.CreateTeamAsync();
        await factory.AddMemberAsync(team.Slug, engineer);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await factory.CreateTokenAsync(engineer));

        var input = PortalFactory.NewServiceInput(team.Slug);
        input.Description = new string('x', (int)Hosting.ApiConventions.MaxJsonBodyBytes + 10);
        var response = await client.PostAsJsonAsync("/api/v1/services", input);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());

        // A normal body on the same server still works.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/services", PortalFactory.NewServiceInput(team.Slug))).StatusCode);
    }
}
