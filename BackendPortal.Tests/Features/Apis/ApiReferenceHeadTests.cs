using System.Net;
using BackendPortal.Data;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Apis;

/// <summary>The reference's first screen is stored at ingest and prerendered from it, without the full index.</summary>
public sealed class ApiReferenceHeadTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly string Spec = SampleSpecs.Generate(30);

    [Fact]
    public async Task Ingest_stores_the_first_screen_in_the_list_order_of_the_full_index()
    {
        var api = await factory.CreateApiAsync((await factory.CreateTeamAsync()).Slug);
        await factory.UploadAsync(api.Slug, Spec, "1");

        var (headBytes, indexBytes) = await ReadAsync(api.Slug);
        Assert.NotNull(headBytes);
        var head = ApiSpecService.Unpack<SpecHead>(headBytes);
        var index = ApiSpecService.Unpack<SpecIndex>(indexBytes);
        Assert.Equal(index.Operations.Count, head.OperationCount);
        Assert.Equal(index.Schemas.Count, head.SchemaCount);
        Assert.Equal(index.Title, head.Title);
        Assert.Equal(ReferenceRows.FirstScreen, head.Rows.Count);
        Assert.Equal(ReferenceRows.Build(index, null).Take(ReferenceRows.FirstScreen), head.Rows);
        Assert.Equal(index.Operations.Count, head.Tags.Sum(t => t.Count));
        Assert.True(headBytes.Length < indexBytes.Length / 10, $"head {headBytes.Length} B, index {indexBytes.Length} B");
    }

    [Fact]
    public async Task The_prerendered_reference_shows_the_first_operations_without_reading_the_full_index()
    {
        var api = await factory.CreateApiAsync((await factory.CreateTeamAsync()).Slug);
        await factory.UploadAsync(api.Slug, Spec, "1");
        var first = ReferenceRows.Build(SpecReader.Read(Spec).Index, null).First(r => r.Anchor is not null);
        // An index that cannot be unpacked: a prerender that read it would fail.
        await UpdateAsync(api.Slug, v => v.SetProperty(x => x.Index, [1, 2, 3]));
        ClearCache();

        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Viewer));
        var response = await client.GetAsync($"/apis/{api.Slug}/reference");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("class=\"api-ref-op", html);
        Assert.Contains(WebUtility.HtmlEncode(first.Path!), html);
        Assert.Contains($"{SpecReader.Read(Spec).Index.Operations.Count} operations", html);
        Assert.Contains("data-testid=\"api-contents\"", html);
    }

    [Fact]
    public async Task A_version_stored_before_heads_still_renders_from_its_full_index()
    {
        var api = await factory.CreateApiAsync((await factory.CreateTeamAsync()).Slug);
        await factory.UploadAsync(api.Slug, Spec, "1");
        await UpdateAsync(api.Slug, v => v.SetProperty(x => x.Head, (byte[]?)null));
        ClearCache();

        var start = await factory.WithServiceAsync<ApiSpecService, ApiReferenceStart?>(s => s.ReferenceStartAsync(api.Slug, null));
        Assert.NotNull(start?.Index);
        Assert.Null(start.Head);

        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Viewer));
        var html = await client.GetStringAsync($"/apis/{api.Slug}/reference");
        Assert.Contains("class=\"api-ref-op", html);
        Assert.Contains($"{start.Index.Operations.Count} operations", html);
    }

    [Fact]
    public async Task A_deep_link_prerenders_the_operation_from_the_full_index()
    {
        var api = await factory.CreateApiAsync((await factory.CreateTeamAsync()).Slug);
        await factory.UploadAsync(api.Slug, Spec, "1");
        ClearCache();

        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Viewer));
        var html = await client.GetStringAsync($"/apis/{api.Slug}/reference?op=listRes29");

        Assert.Contains("data-testid=\"operation-detail\"", html);
        Assert.Contains("/res29", html);
    }

    [Fact]
    public async Task The_head_starts_the_full_index_loading_and_later_readers_share_it()
    {
        var api = await factory.CreateApiAsync((await factory.CreateTeamAsync()).Slug);
        await factory.UploadAsync(api.Slug, Spec, "1");
        ClearCache();

        var start = await factory.WithServiceAsync<ApiSpecService, ApiReferenceStart?>(s => s.ReferenceStartAsync(api.Slug, null));
        Assert.NotNull(start?.Head);
        Assert.Null(start.Index);
        var full = await factory.WithServiceAsync<ApiSpecService, (string, SpecIndex)?>(s => s.IndexAsync(api.Slug, null));
        Assert.Equal(start.Head.OperationCount, full!.Value.Item2.Operations.Count);
        // Now cached: the next start hands over the full index.
        var again = await factory.WithServiceAsync<ApiSpecService, ApiReferenceStart?>(s => s.ReferenceStartAsync(api.Slug, null));
        Assert.Same(full.Value.Item2, again!.Index);
    }

    private void ClearCache() => factory.Services.GetRequiredService<ApiIndexCache>().Clear();

    private async Task<(byte[]? Head, byte[] Index)> ReadAsync(string slug)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var row = await db.ApiVersions.Where(v => v.Api.Slug == slug).Select(v => new { v.Head, v.Index }).SingleAsync();
        return (row.Head, row.Index);
    }

    private async Task UpdateAsync(string slug, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<ApiSpecVersion>> set)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.ApiVersions.Where(v => v.Api.Slug == slug).ExecuteUpdateAsync(set));
    }
}
