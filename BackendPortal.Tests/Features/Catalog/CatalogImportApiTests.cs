using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.Catalog;

public sealed class CatalogImportApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<HttpClient> AdminAsync() =>
        factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(Roles.Admin), "read,write,admin"));

    private static StringContent Yaml(string text, string type = "application/yaml") => new(text, Encoding.UTF8, type);

    [Fact]
    public async Task Import_answers_the_summary_dry_run_writes_nothing_and_a_second_import_is_unchanged()
    {
        var client = await AdminAsync();
        var p = PortalFactory.Unique("api");
        var dry = await client.PostAsync("/api/v1/catalog/import?dryRun=true", Yaml(BackstageSamples.Catalog(p)));
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        var preview = JsonDocument.Parse(await dry.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(11, preview.GetProperty("created").GetInt32());
        Assert.True(preview.GetProperty("dryRun").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/teams/{p}-org")).StatusCode);

        var real = await client.PostAsync("/api/v1/catalog/import", Yaml(BackstageSamples.Catalog(p), "text/yaml"));
        var body = JsonDocument.Parse(await real.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal((11, 0, 0), (body.GetProperty("created").GetInt32(), body.GetProperty("updated").GetInt32(), body.GetProperty("unchanged").GetInt32()));
        var first = body.GetProperty("results")[0];
        Assert.Equal((1, "Group", p + "-org", "created"),
            (first.GetProperty("document").GetInt32(), first.GetProperty("kind").GetString(), first.GetProperty("name").GetString(), first.GetProperty("action").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/teams/{p}-org")).StatusCode);

        var again = JsonDocument.Parse(await (await client.PostAsync("/api/v1/catalog/import", Yaml(BackstageSamples.Catalog(p)))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((0, 0, 11), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));
    }

    [Fact]
    public async Task Errors_are_problem_details_listing_document_kind_name_and_field()
    {
        var client = await AdminAsync();
        var response = await client.PostAsync("/api/v1/catalog/import", Yaml("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: lonely\nspec:\n  type: service\n"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("document").GetInt32(), e.GetProperty("kind").GetString(), e.GetProperty("name").GetString(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1, "Component", "lonely", "spec.lifecycle"), (1, "Component", "lonely", "spec.owner")], errors);
        Assert.Contains("nothing was imported", problem.GetProperty("title").GetString());

        var malformed = await client.PostAsync("/api/v1/catalog/import", Yaml("kind: [\n"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Matches("line \\d+, column \\d+", await malformed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_is_415_and_the_export_is_yaml()
    {
        var client = await AdminAsync();
        var json = await client.PostAsync("/api/v1/catalog/import", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);

        var p = PortalFactory.Unique("exp");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/catalog/import", Yaml(BackstageSamples.Catalog(p)))).StatusCode);
        var export = await client.GetAsync("/api/v1/catalog/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/yaml", export.Content.Headers.ContentType?.MediaType);
        var text = await export.Content.ReadAsStringAsync();
        Assert.Contains($"name: {p}-orders", text);
        Assert.StartsWith("apiVersion: backstage.io/v1alpha1\nkind: Group\n", text);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        await using var small = new PortalFactory().WithSetting("CatalogImport:MaxBodyBytes", "1000");
        var client = small.BearerClient(await small.CreateTokenAsync(await small.CreateUserAsync(Roles.Admin), "read,write,admin"));
        var response = await client.PostAsync("/api/v1/catalog/import", Yaml("# " + new string('x', 2000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("CatalogImport:MaxBodyBytes", await response.Content.ReadAsStringAsync());

        var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/v1/catalog/import") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("# " + new string('x', 2000)))) };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        chunked.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(chunked)).StatusCode);
    }
}
