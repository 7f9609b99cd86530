using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.Apis;

public sealed class ApisApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string Problem = "application/problem+json";

    private async Task<(HttpClient Client, string Team)> EngineerWithTeamAsync()
    {
        var team = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, engineer);
        return (factory.BearerClient(await factory.CreateTokenAsync(engineer)), team.Slug);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static StringContent Spec(string text, string mediaType) => new(text, Encoding.UTF8, mediaType);

    [Fact]
    public async Task Create_get_update_with_if_match_and_delete()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var input = ApiTestData.NewInput(team);
        input.Tags = ["Shop"];
        var created = await client.PostAsJsonAsync("/api/v1/apis", input);
        var json = await JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal($"/api/v1/apis/{input.Slug}", created.Headers.Location?.OriginalString);
        Assert.Equal("openapi", json.GetProperty("type").GetString());
        Assert.Equal(team, json.GetProperty("owner").GetString());
        Assert.Equal("shop", json.GetProperty("tags")[0].GetString());

        var url = $"/api/v1/apis/{input.Slug}";
        var get = await client.GetAsync(url);
        Assert.NotNull(get.Headers.ETag);
        input.Name = "Renamed";
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await client.PutAsJsonAsync(url, input)).StatusCode);
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(input) };
        put.Headers.IfMatch.Add(get.Headers.ETag!);
        Assert.Equal("Renamed", (await JsonAsync(await client.SendAsync(put), HttpStatusCode.OK)).GetProperty("name").GetString());
        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(input) };
        stale.Headers.IfMatch.Add(get.Headers.ETag!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);

        await factory.UploadAsync(input.Slug!, SpecFixtures.Perfect);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url)).StatusCode);
        Assert.False(await factory.WithDbAsync(db => Task.FromResult(db.ApiVersions.Any(v => v.Api.Slug == input.Slug))));
    }

    [Fact]
    public async Task Create_validates_with_field_errors_and_refuses_duplicates()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var bad = await client.PostAsJsonAsync("/api/v1/apis", new { slug = "-bad-", name = "", type = "soap", lifecycle = "x", owner = "nobody-here" });
        var problem = await JsonAsync(bad, HttpStatusCode.BadRequest);
        Assert.Equal(Problem, bad.Content.Headers.ContentType?.MediaType);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "slug", "name", "type", "lifecycle", "owner" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
        var input = ApiTestData.NewInput(team);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/apis", input)).StatusCode);
        input.Slug = input.Slug!.ToUpperInvariant();
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/v1/apis", input)).StatusCode);
    }

    [Fact]
    public async Task List_filters_pages_and_exports_csv()
    {
        var team = await factory.CreateTeamAsync();
        var low = await factory.CreateApiAsync(team.Slug, PortalFactory.Unique("low"));
        var high = await factory.CreateApiAsync(team.Slug, PortalFactory.Unique("high"));
        await factory.UploadAsync(low.Slug, "openapi: 3.0.0\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get:\n      responses: {}\n");
        await factory.UploadAsync(high.Slug, SpecFixtures.Perfect);
        var client = factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Viewer), "read"));

        var all = await JsonAsync(await client.GetAsync($"/api/v1/apis?owner={team.Slug}&limit=1"), HttpStatusCode.OK);
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        Assert.Single(all.GetProperty("items").EnumerateArray());
        var next = all.GetProperty("nextCursor").GetString();
        var second = await JsonAsync(await client.GetAsync($"/api/v1/apis?owner={team.Slug}&limit=1&cursor={next}"), HttpStatusCode.OK);
        Assert.Equal(low.Slug, second.GetProperty("items")[0].GetProperty("slug").GetString());

        var under = await JsonAsync(await client.GetAsync($"/api/v1/apis?owner={team.Slug}&scoreBelow=80"), HttpStatusCode.OK);
        var item = Assert.Single(under.GetProperty("items").EnumerateArray());
        Assert.Equal(low.Slug, item.GetProperty("slug").GetString());
        Assert.Equal("1", item.GetProperty("latestVersion").GetString());
        Assert.True(item.GetProperty("score").GetInt32() < 80);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/apis?type=soap")).StatusCode);
        var csv = await client.GetStringAsync($"/api/v1/apis/export.csv?owner={team.Slug}");
        Assert.StartsWith("slug,name,type,lifecycle,owner", csv);
        Assert.Contains(high.Slug + ",", csv);
    }

    [Fact]
    public async Task Upload_json_and_yaml_versions_lists_them_newest_first_and_refuses_a_used_label()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var api = await factory.CreateApiAsync(team);
        var first = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", Spec(SpecFixtures.PerfectJson(), "application/json"));
        var json = await JsonAsync(first, HttpStatusCode.Created);
        Assert.Equal("1.0.0", json.GetProperty("version").GetString());
        Assert.Equal(2, json.GetProperty("operations").GetInt32());
        Assert.Equal(100, json.GetProperty("score").GetInt32());
        Assert.Empty(json.GetProperty("breakingChanges").EnumerateArray());

        var again = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", Spec(SpecFixtures.Perfect, "application/yaml"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(Problem, again.Content.Headers.ContentType?.MediaType);

        var second = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions?version=1.1.0", Spec(SpecFixtures.Perfect.Replace("      operationId: getOrder\n", ""), "text/yaml"));
        var secondJson = await JsonAsync(second, HttpStatusCode.Created);
        Assert.True(secondJson.GetProperty("score").GetInt32() < 100);
        Assert.Contains(secondJson.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "operation-operationId"
            && f.GetProperty("location").GetString() == "/paths/~1orders~1{id}/get/operationId" && f.GetProperty("severity").GetString() == "warn");

        var versions = await JsonAsync(await client.GetAsync($"/api/v1/apis/{api.Slug}/versions"), HttpStatusCode.OK);
        Assert.Equal(["1.1.0", "1.0.0"], versions.EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        Assert.Equal(2, versions[0].GetProperty("operations").GetInt32());

        var score = await JsonAsync(await client.GetAsync($"/api/v1/apis/{api.Slug}/versions/1.1.0/score"), HttpStatusCode.OK);
        Assert.Equal(secondJson.GetProperty("score").GetInt32(), score.GetProperty("score").GetInt32());
        Assert.Equal(SpecScorer.Rules.Count, score.GetProperty("rules").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/apis/{api.Slug}/versions/9.9/score")).StatusCode);

        var doc = await client.GetStringAsync($"/api/v1/apis/{api.Slug}/versions/1.1.0/document");
        Assert.StartsWith("openapi: 3.0.3", doc);
    }

    [Fact]
    public async Task Dry_run_answers_without_storing()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var api = await factory.CreateApiAsync(team);
        var dry = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions?dryRun=true", Spec(SpecFixtures.Perfect, "application/yaml"));
        var json = await JsonAsync(dry, HttpStatusCode.OK);
        Assert.True(json.GetProperty("dryRun").GetBoolean());
        Assert.Equal(100, json.GetProperty("score").GetInt32());
        var versions = await JsonAsync(await client.GetAsync($"/api/v1/apis/{api.Slug}/versions"), HttpStatusCode.OK);
        Assert.Equal(0, versions.GetArrayLength());
    }

    [Fact]
    public async Task Garbage_is_a_400_problem_with_parser_messages_and_nothing_is_stored()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var api = await factory.CreateApiAsync(team);
        foreach (var (body, type) in new[] { ("{ \"openapi\": \"3.0.0\", \"paths\": { oops", "application/json"), ("hello: world\n", "application/yaml"), ("<xml/>", "text/plain") })
        {
            var response = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions?version=x", Spec(body, type));
            var problem = await JsonAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(Problem, response.Content.Headers.ContentType?.MediaType);
            var error = problem.GetProperty("errors")[0];
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
            Assert.True(error.TryGetProperty("location", out _));
        }
        Assert.False(await factory.WithDbAsync(db => Task.FromResult(db.ApiVersions.Any(v => v.Api.Slug == api.Slug))));

        var untyped = new ByteArrayContent(Encoding.UTF8.GetBytes(SpecFixtures.Perfect));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", untyped)).StatusCode);
    }

    [Fact]
    public async Task A_webhooks_only_31_document_is_accepted_and_one_with_neither_paths_nor_webhooks_is_400()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var api = await factory.CreateApiAsync(team);
        var ok = await JsonAsync(await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", Spec(WebhookFixtures.WebhooksOnly31, "application/yaml")), HttpStatusCode.Created);
        Assert.Equal(2, ok.GetProperty("operations").GetInt32());
        var versions = await JsonAsync(await client.GetAsync($"/api/v1/apis/{api.Slug}/versions"), HttpStatusCode.OK);
        Assert.Equal(2, versions[0].GetProperty("operations").GetInt32());

        var neither = "openapi: 3.1.0\ninfo:\n  title: x\n  version: '2'\ncomponents:\n  schemas:\n    A:\n      type: string\n";
        var problem = await JsonAsync(await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", Spec(neither, "application/yaml")), HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("location").GetString() == "/paths");
    }

    [Fact]
    public async Task Over_the_configured_size_is_413()
    {
        await using var small = new PortalFactory().WithSetting("Apis:MaxSpecBytes", "2000");
        var team = await small.CreateTeamAsync();
        var admin = await small.CreateUserAsync(Roles.Admin);
        var client = small.BearerClient(await small.CreateTokenAsync(admin, "read,write,admin"));
        var api = await small.CreateApiAsync(team.Slug);
        var response = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", Spec(SpecFixtures.Perfect, "application/yaml"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(Problem, response.Content.Headers.ContentType?.MediaType);
        var ok = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", Spec(SpecFixtures.ToYaml31(), "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact]
    public async Task Diff_names_the_consumers_hit_by_each_breaking_change()
    {
        var (client, team) = await EngineerWithTeamAsync();
        var api = await factory.CreateApiAsync(team);
        var web = await factory.CreateServiceAsync(team, PortalFactory.Unique("web"));
        var mobile = await factory.CreateServiceAsync(team, PortalFactory.Unique("mobile"));
        var batch = await factory.CreateServiceAsync(team, PortalFactory.Unique("batch"));

        var usage = await client.PutAsJsonAsync($"/api/v1/services/{web.Slug}/api-usage", new[] { new { api = api.Slug, operations = new[] { "get /orders/{orderId}" } } });
        await JsonAsync(usage, HttpStatusCode.OK);
        await factory.ConsumeAsync(mobile.Slug, api.Slug, "createOrder");
        await factory.ConsumeAsync(batch.Slug, api.Slug);
        var badUsage = await client.PutAsJsonAsync($"/api/v1/services/{web.Slug}/api-usage", new[] { new { api = "no-such-api", operations = Array.Empty<string>() } });
        Assert.Equal(HttpStatusCode.BadRequest, badUsage.StatusCode);

        await factory.UploadAsync(api.Slug, SpecFixtures.Perfect, "1");
        var v2 = await factory.UploadAsync(api.Slug, SpecFixtures.Perfect.Replace("        - name: expand\n          in: query\n", "        - name: expand\n          in: query\n          required: true\n"), "2");
        var breaking = Assert.Single(v2.BreakingChanges);
        Assert.Equal("request-parameter-became-required", breaking.Kind);
        Assert.Equal(new[] { batch.Slug, web.Slug }.Order(), breaking.Consumers.Order());

        var diff = await JsonAsync(await client.GetAsync($"/api/v1/apis/{api.Slug}/diff?from=1&to=2"), HttpStatusCode.OK);
        var change = diff.GetProperty("changes")[0];
        Assert.Equal("breaking", change.GetProperty("level").GetString());
        Assert.Equal("GET", change.GetProperty("method").GetString());
        Assert.Equal("/orders/{id}", change.GetProperty("path").GetString());
        Assert.Contains("expand", change.GetProperty("message").GetString());
        Assert.Contains(web.Slug, change.GetProperty("consumers").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/apis/{api.Slug}/diff?from=1")).StatusCode);

        var consumers = await JsonAsync(await client.GetAsync($"/api/v1/apis/{api.Slug}/consumers"), HttpStatusCode.OK);
        Assert.Equal(3, consumers.GetArrayLength());
        var list = await JsonAsync(await client.GetAsync($"/api/v1/apis?q={api.Slug}"), HttpStatusCode.OK);
        var row = list.GetProperty("items")[0];
        Assert.Equal(3, row.GetProperty("consumerCount").GetInt32());
        Assert.Equal(1, row.GetProperty("lastBreakingChanges").GetInt32());
        var declared = await JsonAsync(await client.GetAsync($"/api/v1/services/{web.Slug}/api-usage"), HttpStatusCode.OK);
        Assert.Equal("get /orders/{orderId}", declared[0].GetProperty("operations")[0].GetString());
    }

    [Fact]
    public async Task The_apps_own_openapi_document_still_renders_and_parses()
    {
        var client = factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Viewer), "read"));
        var text = await client.GetStringAsync("/openapi/v1.json");
        var index = SpecReader.Read(text).Index;
        Assert.Contains(index.Operations, o => o.Path == "/api/v1/apis/{slug}/versions" && o.Method == "POST");
    }
}
