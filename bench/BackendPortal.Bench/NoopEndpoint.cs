using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BackendPortal.Bench;

/// <summary>
/// POST /bench/noop, ahead of the app's pipeline: reads the body and answers a fixed 201 JSON. Timing it at the
/// same concurrency as a real endpoint gives the floor that HTTP on both ends of the loopback costs in this process.
/// </summary>
public sealed class NoopEndpoint : IStartupFilter
{
    public const string Path = "/bench/noop";

    private static readonly byte[] Answer = """{"id":1,"total":20,"passed":20,"failed":0,"errors":0,"skipped":0,"durationMs":1}"""u8.ToArray();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, inner) =>
        {
            if (!http.Request.Path.Equals(Path, StringComparison.Ordinal))
            {
                await inner(http);
                return;
            }
            var buffer = new byte[16 * 1024];
            while (await http.Request.Body.ReadAsync(buffer) > 0)
            {
            }
            http.Response.StatusCode = StatusCodes.Status201Created;
            http.Response.ContentType = "application/json";
            await http.Response.Body.WriteAsync(Answer);
        });
        next(app);
    };
}
