using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Infrastructure;

namespace BackendPortal.Features.Apis;

/// <summary>The upload body read once into pooled bytes: what the reader, the size limit and the stored document see.</summary>
public sealed class SpecBytesTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private async Task<(HttpClient Client, string Api)> ClientWithApiAsync()
    {
        var team = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, engineer);
        var api = await factory.CreateApiAsync(team.Slug);
        return (factory.BearerClient(await factory.CreateTokenAsync(engineer)), api.Slug!);
    }

    private static ByteArrayContent Bytes(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary>A body of unknown length (no Content-Length: sent chunked), delivered a few bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), data.Length - position);
            Array.Copy(data, position, buffer, offset, n);
            position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/yaml")]
    [InlineData("application/yaml")]
    public async Task A_body_with_a_utf8_bom_is_read_and_the_document_is_stored_without_it(string mediaType)
    {
        var (client, api) = await ClientWithApiAsync();
        var text = mediaType == "application/json" ? SpecFixtures.PerfectJson() : SpecFixtures.Perfect;
        var response = await client.PostAsync($"/api/v1/apis/{api}/versions", Bytes([.. Bom, .. Encoding.UTF8.GetBytes(text)], mediaType));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(2, json.RootElement.GetProperty("operations").GetInt32());
        Assert.Equal(100, json.RootElement.GetProperty("score").GetInt32());

        var stored = await client.GetByteArrayAsync($"/api/v1/apis/{api}/versions/1.0.0/document");
        Assert.Equal(Encoding.UTF8.GetBytes(text), stored);
        var size = await factory.WithDbAsync(db => Task.FromResult(db.ApiVersions.Where(v => v.Api.Slug == api).Select(v => v.SizeBytes).Single()));
        Assert.Equal(Encoding.UTF8.GetByteCount(text), size);
    }

    [Fact]
    public async Task A_large_document_sent_chunked_round_trips_through_the_stored_gzip_unchanged()
    {
        var (client, api) = await ClientWithApiAsync();
        // About 600 KB: past the first pooled buffers of the body read and of the gzip output.
        var text = SampleSpecs.Generate(220, "7.0.0");
        var bytes = Encoding.UTF8.GetBytes(text);
        using var content = new StreamContent(new TrickleStream(bytes, 7_000));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await client.PostAsync($"/api/v1/apis/{api}/versions", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());

        Assert.Equal(text, await client.GetStringAsync($"/api/v1/apis/{api}/versions/7.0.0/document"));
        var expected = SpecReader.Read(text).Index;
        var index = await client.GetAsync($"/api/v1/apis/{api}/versions");
        using var versions = JsonDocument.Parse(await index.Content.ReadAsStringAsync());
        Assert.Equal(expected.Operations.Count, versions.RootElement[0].GetProperty("operations").GetInt32());
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_replaced_as_before_and_the_document_is_still_accepted()
    {
        var (client, api) = await ClientWithApiAsync();
        // "Café" in Latin-1 inside a description: 0xE9 alone is not UTF-8.
        var text = SpecFixtures.Perfect.Replace("description: Orders of the shop.", "description: Orders of the Caf\u00e9.");
        var latin1 = Encoding.Latin1.GetBytes(text);
        var response = await client.PostAsync($"/api/v1/apis/{api}/versions", Bytes(latin1, "application/yaml"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var stored = await client.GetStringAsync($"/api/v1/apis/{api}/versions/1.0.0/document");
        Assert.Contains("Orders of the Caf\uFFFD.", stored);
    }

    [Fact]
    public async Task A_streamed_body_over_the_limit_is_413_and_one_at_the_limit_is_read()
    {
        await using var small = new PortalFactory().WithSetting("Apis:MaxSpecBytes", "2000");
        var team = await small.CreateTeamAsync();
        var admin = await small.CreateUserAsync(Roles.Admin);
        var client = small.BearerClient(await small.CreateTokenAsync(admin, "read,write,admin"));
        var api = await small.CreateApiAsync(team.Slug);
        var over = Encoding.UTF8.GetBytes(SpecFixtures.Perfect);
        Assert.True(over.Length > 2000);
        using var chunked = new StreamContent(new TrickleStream(over, 300));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        var response = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        // Padded with trailing blank lines to exactly the limit: accepted.
        var fits = Encoding.UTF8.GetBytes(SpecFixtures.ToYaml31());
        Assert.True(fits.Length < 2000);
        var exact = fits.Concat(Enumerable.Repeat((byte)'\n', 2000 - fits.Length)).ToArray();
        using var atLimit = new StreamContent(new TrickleStream(exact, 300));
        atLimit.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        var ok = await client.PostAsync($"/api/v1/apis/{api.Slug}/versions", atLimit);
        Assert.True(ok.StatusCode == HttpStatusCode.Created, await ok.Content.ReadAsStringAsync());
        Assert.False(await small.WithDbAsync(db => Task.FromResult(db.ApiVersions.Count(v => v.Api.Slug == api.Slug) != 1)));
    }

    [Fact]
    public async Task ReadAsync_stops_at_the_limit_with_and_without_a_content_length()
    {
        var data = new byte[200_000];
        Array.Fill(data, (byte)' ');
        using (var exact = await SpecBytes.ReadAsync(new TrickleStream(data, 10_000), null, data.Length, () => new InvalidOperationException("too large"), default))
        {
            Assert.Equal(data.Length, exact.Length);
        }
        using (var known = await SpecBytes.ReadAsync(new MemoryStream(data), data.Length, data.Length, () => new InvalidOperationException("too large"), default))
        {
            Assert.Equal(data.Length, known.Length);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => SpecBytes.ReadAsync(new TrickleStream(data, 10_000), null, data.Length - 1, () => new InvalidOperationException("too large"), default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => SpecBytes.ReadAsync(new MemoryStream(data), data.Length, data.Length - 1, () => new InvalidOperationException("too large"), default));
    }

    [Fact]
    public void The_reader_finds_quoted_yaml_root_keys_and_ignores_indented_ones()
    {
        var quoted = "'openapi': 3.0.3\n\"info\": {title: Quoted, version: '1'}\n\"paths\" :\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n";
        Assert.Single(SpecReader.Read(quoted).Index.Operations);
        // paths under info is not the document's paths.
        var indented = "openapi: 3.0.3\ninfo:\n  title: x\n  version: '1'\n  paths: {}\n";
        var e = Assert.Throws<SpecUnreadableException>(() => SpecReader.Read(indented));
        Assert.Equal("/paths", Assert.Single(e.Problems).Pointer);
    }

    [Fact]
    public void Pack_streams_json_through_gzip_and_unpacks_to_the_same_index()
    {
        var index = SpecReader.Read(SampleSpecs.Generate(120)).Index;
        var packed = ApiSpecService.Pack(index);
        using (var gz = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress))
        using (var json = new MemoryStream())
        {
            gz.CopyTo(json);
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(index, ApiSpecService.Json), json.ToArray());
        }
        var back = ApiSpecService.Unpack<SpecIndex>(packed);
        Assert.Equal(index.Operations.Count, back.Operations.Count);
        Assert.Equal(index.Schemas.Keys, back.Schemas.Keys);
    }
}
