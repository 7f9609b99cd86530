using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackendPortal.Features.Operations;

/// <summary>A real HTTP server on 127.0.0.1 whose answer a test changes at will.</summary>
public sealed class TestListener : IAsyncDisposable
{
    private readonly WebApplication app;
    private int inFlight;
    private int maxInFlight;
    private int requests;

    private TestListener(WebApplication app) => this.app = app;

    public Func<HttpContext, Task> Handler { get; set; } = ctx => ctx.Response.WriteAsync("ok");

    public string Url { get; private set; } = "";

    public int MaxInFlight => maxInFlight;

    public int Requests => requests;

    public static async Task<TestListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var listener = new TestListener(app);
        app.Run(async ctx =>
        {
            var now = Interlocked.Increment(ref listener.inFlight);
            Interlocked.Increment(ref listener.requests);
            int seen;
            while (now > (seen = listener.maxInFlight) && Interlocked.CompareExchange(ref listener.maxInFlight, now, seen) != seen)
            {
            }
            try
            {
                await listener.Handler(ctx);
            }
            finally
            {
                Interlocked.Decrement(ref listener.inFlight);
            }
        });
        await app.StartAsync();
        listener.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return listener;
    }

    /// <summary>A loopback port nobody listens on: bind one, then let it go.</summary>
    public static int ClosedPort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        var port = ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
