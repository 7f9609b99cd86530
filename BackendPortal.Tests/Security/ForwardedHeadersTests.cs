using BackendPortal.Features.Audit;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Security;

/// <summary>The client address the audit log records: the proxy's word counts only when the operator trusts that proxy.</summary>
public sealed class ForwardedHeadersTests
{
    private static async Task<string?> IpOfFailedSignInAsync(PortalFactory factory)
    {
        var email = PortalFactory.Unique("forwarded") + "@example.com";
        _ = factory.Services;
        // The plain client of a Kestrel factory points at the real port (a client with options keeps localhost:80).
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        await PortalFactory.PostLoginAsync(client, email, "not the password at all");
        var entry = await factory.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .SingleAsync(e => e.Action == AuditActions.SignInFailed && e.ActorName == email));
        return entry.Ip;
    }

    [Fact]
    public async Task Behind_a_known_proxy_the_audit_log_records_the_forwarded_client_address()
    {
        await using var factory = new KestrelPortalFactory();
        factory.WithSetting("ForwardedHeaders:KnownProxies", "127.0.0.1, ::1");

        Assert.Equal("203.0.113.9", await IpOfFailedSignInAsync(factory));
    }

    [Fact]
    public async Task Without_a_known_proxy_a_forwarded_header_is_ignored()
    {
        await using var factory = new KestrelPortalFactory();

        var ip = await IpOfFailedSignInAsync(factory);

        Assert.NotEqual("203.0.113.9", ip);
        Assert.True(ip is "127.0.0.1" or "::1" or "::ffff:127.0.0.1", $"expected the loopback address, got {ip}");
    }

    [Fact]
    public void A_proxy_that_is_not_an_address_stops_the_start_with_a_message()
    {
        using var factory = new PortalFactory();
        factory.WithSetting("ForwardedHeaders:KnownProxies", "proxy.internal");

        var error = Assert.ThrowsAny<Exception>(() => factory.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>)) is Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions> o ? o.Value : null);
        Assert.Contains("'proxy.internal' is not an IP address", error.Message);
    }
}
