using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace BackendPortal.Hosting;

/// <summary>
/// Behind a reverse proxy the connection's address is the proxy's. Only proxies the operator names
/// (<c>ForwardedHeaders:KnownProxies</c>, <c>ForwardedHeaders:KnownNetworks</c>, comma-separated) are
/// believed about the client's address and scheme; without them the headers are ignored, so a client
/// cannot pick the IP the audit log and the sign-in rate limit see.
/// </summary>
public static class ProxyExtensions
{
    public static IServiceCollection AddPortalProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in List(configuration["ForwardedHeaders:KnownProxies"]))
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var ip)
                    ? ip
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
            }
            foreach (var network in List(configuration["ForwardedHeaders:KnownNetworks"]))
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var net)
                    ? net
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{network}' is not a network such as 10.0.0.0/8."));
            }
        });
        return services;
    }

    public static WebApplication UsePortalProxySupport(this WebApplication app)
    {
        var configuration = app.Configuration;
        if (List(configuration["ForwardedHeaders:KnownProxies"]).Any() || List(configuration["ForwardedHeaders:KnownNetworks"]).Any())
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    private static IEnumerable<string> List(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
