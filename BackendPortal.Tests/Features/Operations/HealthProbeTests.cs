using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Operations;

public sealed class HealthProbeTests : IAsyncLifetime
{
    private TestListener listener = null!;
    private readonly ServiceProvider services;
    private readonly HealthProbe probe;

    public HealthProbeTests()
    {
        var collection = new ServiceCollection();
        collection.AddHttpClient(HealthProbe.ClientName).ConfigurePrimaryHttpMessageHandler(HealthProbe.CreateHandler)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        services = collection.BuildServiceProvider();
        probe = new HealthProbe(services.GetRequiredService<IHttpClientFactory>());
    }

    public async Task InitializeAsync() => listener = await TestListener.StartAsync();

    public async Task DisposeAsync()
    {
        await listener.DisposeAsync();
        await services.DisposeAsync();
    }

    private ProbeRequest Request(string? url = null, int timeout = 5, string? keyword = null, string? jsonPath = null, string? jsonValue = null, int[]? expected = null,
        Dictionary<string, string>? headers = null) =>
        new(1, url ?? listener.Url + "/health", "GET", timeout, expected ?? [], keyword, jsonPath, jsonValue, headers ?? [], null);

    [Fact]
    public async Task An_answer_with_an_expected_status_is_up_with_its_latency()
    {
        var outcome = await probe.RunAsync(Request(), 65536, default);
        Assert.True(outcome.Success, outcome.Reason);
        Assert.Equal(200, outcome.StatusCode);
        Assert.NotNull(outcome.LatencyMs);
        Assert.Equal(HealthStatus.Up, outcome.StatusFor(null));
    }

    [Fact]
    public async Task An_unexpected_status_is_down_and_says_which()
    {
        listener.Handler = ctx =>
        {
            ctx.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        var outcome = await probe.RunAsync(Request(expected: [200]), 65536, default);
        Assert.False(outcome.Success);
        Assert.Contains("Unexpected status 503", outcome.Reason);
        Assert.Contains("expected 200", outcome.Reason);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_its_status()
    {
        listener.Handler = ctx =>
        {
            ctx.Response.Redirect("/login");
            return Task.CompletedTask;
        };
        var outcome = await probe.RunAsync(Request(), 65536, default);
        Assert.False(outcome.Success);
        Assert.Equal(302, outcome.StatusCode);
        Assert.True((await probe.RunAsync(Request(expected: [302]), 65536, default)).Success);
    }

    [Fact]
    public async Task A_slow_target_times_out_after_its_timeout()
    {
        var release = new TaskCompletionSource();
        listener.Handler = async ctx =>
        {
            await Task.WhenAny(release.Task, Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted));
            await ctx.Response.WriteAsync("late");
        };
        var outcome = await probe.RunAsync(Request(timeout: 1), 65536, default);
        release.SetResult();
        Assert.False(outcome.Success);
        Assert.Equal("Timed out after 1 s.", outcome.Reason);
    }

    [Fact]
    public async Task A_closed_port_is_connection_refused()
    {
        var outcome = await probe.RunAsync(Request(url: $"http://127.0.0.1:{TestListener.ClosedPort()}/"), 65536, default);
        Assert.False(outcome.Success);
        Assert.Equal("Connection refused.", outcome.Reason);
    }

    [Fact]
    public async Task An_unknown_host_is_a_dns_failure()
    {
        var outcome = await probe.RunAsync(Request(url: "http://no-such-host.invalid/"), 65536, default);
        Assert.False(outcome.Success);
        Assert.StartsWith("DNS lookup failed", outcome.Reason);
    }

    [Fact]
    public async Task Https_against_a_plain_http_listener_is_a_tls_failure()
    {
        var outcome = await probe.RunAsync(Request(url: listener.Url.Replace("http://", "https://") + "/"), 65536, default);
        Assert.False(outcome.Success);
        Assert.StartsWith("TLS handshake failed", outcome.Reason);
    }

    /// <summary>
    /// Offers a 400 MB body (ending in "needle") from a raw socket and counts what the socket accepted. Not Kestrel:
    /// after a hang-up Kestrel accepts further writes and drops them, so counting those says nothing about the wire.
    /// </summary>
    private static (string Url, Task<long> Sent) ServeHugeBody()
    {
        var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)server.LocalEndpoint).Port}/health";
        var sent = Task.Run(async () =>
        {
            var count = 0L;
            try
            {
                using var connection = await server.AcceptTcpClientAsync();
                var stream = connection.GetStream();
                var request = new byte[8192];
                var read = 0;
                while (!Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    read += await stream.ReadAsync(request.AsMemory(read));
                }
                const long offered = 400L * 1024 * 1024;
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {offered + 6}\r\n\r\n"));
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'x');
                for (var i = 0; i < offered / chunk.Length; i++)
                {
                    await stream.WriteAsync(chunk);
                    count += chunk.Length;
                }
                await stream.WriteAsync("needle"u8.ToArray());
            }
            catch (IOException)
            {
                // The probe hung up: what was written so far is the count.
            }
            finally
            {
                server.Stop();
            }
            return count;
        });
        return (url, sent);
    }

    [Fact]
    public async Task A_huge_body_is_read_only_up_to_the_limit()
    {
        var (url, sent) = ServeHugeBody();
        var outcome = await probe.RunAsync(Request(url, keyword: "needle", timeout: 60), 16 * 1024, default);
        Assert.False(outcome.Success);
        Assert.Equal("Keyword 'needle' missing from the response in the first 16 KB.", outcome.Reason);
        // Socket buffers on both ends let a few MB through before the close arrives.
        var bytes = await sent.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(bytes < 64L * 1024 * 1024, $"{bytes} bytes sent");
    }

    [Theory]
    [InlineData(16 * 1024 - 1)]
    [InlineData(16 * 1024)]
    public async Task A_keyword_at_the_very_end_of_a_body_within_the_limit_is_found(int length)
    {
        var body = new string('x', length - "needle".Length) + "needle";
        listener.Handler = ctx => ctx.Response.WriteAsync(body);
        var outcome = await probe.RunAsync(Request(keyword: "needle"), 16 * 1024, default);
        Assert.True(outcome.Success, outcome.Reason);
    }

    [Fact]
    public async Task A_keyword_past_the_limit_is_missing_and_the_reason_says_how_much_was_read()
    {
        var body = new string('x', 16 * 1024 - 3) + "needle";
        listener.Handler = ctx => ctx.Response.WriteAsync(body);
        var outcome = await probe.RunAsync(Request(keyword: "needle"), 16 * 1024, default);
        Assert.Equal("Keyword 'needle' missing from the response in the first 16 KB.", outcome.Reason);
    }

    [Fact]
    public async Task A_reused_read_buffer_never_carries_one_body_into_the_next()
    {
        var body = new string('x', 8000) + "needle";
        listener.Handler = ctx => ctx.Response.WriteAsync(body);
        Assert.True((await probe.RunAsync(Request(keyword: "needle"), 16 * 1024, default)).Success);
        body = "short";
        for (var i = 0; i < 3; i++)
        {
            var outcome = await probe.RunAsync(Request(keyword: "needle"), 16 * 1024, default);
            Assert.Equal("Keyword 'needle' missing from the response.", outcome.Reason);
        }
    }

    [Fact]
    public async Task A_status_only_check_does_not_download_the_body()
    {
        var (url, sent) = ServeHugeBody();
        var outcome = await probe.RunAsync(Request(url, timeout: 60), 16 * 1024, default);
        Assert.True(outcome.Success, outcome.Reason);
        Assert.Equal(200, outcome.StatusCode);
        // The probe hangs up after the headers.
        var bytes = await sent.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(bytes < 64L * 1024 * 1024, $"{bytes} bytes sent");
    }

    [Fact]
    public async Task Keyword_and_json_path_are_checked_in_the_body()
    {
        listener.Handler = ctx => ctx.Response.WriteAsync("""{"status":"ok","checks":[{"name":"db","state":"degraded"}]}""");
        Assert.True((await probe.RunAsync(Request(keyword: "\"ok\""), 65536, default)).Success);
        Assert.Equal("Keyword 'pass' missing from the response.", (await probe.RunAsync(Request(keyword: "pass"), 65536, default)).Reason);
        Assert.True((await probe.RunAsync(Request(jsonPath: "$.status", jsonValue: "ok"), 65536, default)).Success);
        Assert.True((await probe.RunAsync(Request(jsonPath: "$.checks[0].name"), 65536, default)).Success);
        var mismatch = await probe.RunAsync(Request(jsonPath: "$.checks[0].state", jsonValue: "healthy"), 65536, default);
        Assert.Equal("JSON path $.checks[0].state is 'degraded', expected 'healthy'.", mismatch.Reason);
        Assert.Equal("JSON path $.missing not found.", (await probe.RunAsync(Request(jsonPath: "$.missing"), 65536, default)).Reason);
    }

    [Fact]
    public async Task Configured_headers_are_sent()
    {
        string? seen = null;
        listener.Handler = ctx =>
        {
            seen = ctx.Request.Headers["X-Probe-Key"];
            return ctx.Response.WriteAsync("ok");
        };
        await probe.RunAsync(Request(headers: new() { ["X-Probe-Key"] = "s3cret" }), 65536, default);
        Assert.Equal("s3cret", seen);
    }

    [Fact]
    public async Task Latency_above_the_threshold_is_degraded()
    {
        var outcome = new ProbeOutcome(true, 900, null, 200);
        Assert.Equal(HealthStatus.Degraded, outcome.StatusFor(500));
        Assert.Equal(HealthStatus.Up, outcome.StatusFor(1000));
        await Task.CompletedTask;
    }
}
