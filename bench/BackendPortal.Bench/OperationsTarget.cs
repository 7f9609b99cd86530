using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackendPortal.Bench;

/// <summary>
/// The operations bench's probe target, in a process of its own so its CPU (accepting and answering
/// every probe) is not counted as the portal's. Hidden mode: <c>operations-target [port]</c>.
/// </summary>
public static class OperationsTarget
{
    public const string Mode = "operations-target";
    private const string ReadyPrefix = "listening ";

    public static async Task<int> RunAsync(string[] args)
    {
        var port = args.Length > 1 && int.TryParse(args[1], out var p) ? p : 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        var body = "{\"status\":\"ok\"}"u8.ToArray();
        app.Run(ctx =>
        {
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = body.Length;
            return ctx.Response.Body.WriteAsync(body).AsTask();
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        Console.WriteLine(ReadyPrefix + url);
        // The parent closes our stdin (or dies): that is the signal to stop.
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    /// <summary>Starts this same executable in target mode and waits for its address.</summary>
    public static async Task<Handle> StartAsync()
    {
        var path = Environment.ProcessPath!;
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.FileName = path;
            info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }
        else
        {
            info.FileName = path;
        }
        info.ArgumentList.Add(Mode);
        info.ArgumentList.Add("0");
        var process = Process.Start(info) ?? throw new InvalidOperationException("The target process did not start.");
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(wait.Token)
                ?? throw new InvalidOperationException($"The target process exited ({(process.HasExited ? process.ExitCode : -1)}) before listening.");
            if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
            {
                return new Handle(process, line[ReadyPrefix.Length..]);
            }
        }
    }

    public sealed record Handle(Process Process, string Url) : IAsyncDisposable
    {
        public TimeSpan Cpu
        {
            get
            {
                Process.Refresh();
                return Process.TotalProcessorTime;
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                Process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await Process.WaitForExitAsync(wait.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
                if (!Process.HasExited)
                {
                    Process.Kill();
                }
            }
            Process.Dispose();
        }
    }
}
