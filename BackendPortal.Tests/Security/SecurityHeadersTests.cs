using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BackendPortal.Security;

public sealed partial class SecurityHeadersTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [GeneratedRegex("<script type=\"importmap\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ImportMapScript();

    [GeneratedRegex("<script(?![^>]*\\bsrc=)(?![^>]*type=\"importmap\")[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    private static Dictionary<string, string> Directives(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var values), $"{response.RequestMessage?.RequestUri} has no CSP");
        return values.Single().Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d[(d.IndexOf(' ') + 1)..]);
    }

    private static void AssertHardened(HttpResponseMessage response)
    {
        var csp = Directives(response);
        Assert.Equal("'self'", csp["default-src"]);
        Assert.StartsWith("'self'", csp["script-src"]);
        Assert.DoesNotContain("unsafe", csp["script-src"]);
        Assert.Equal("'none'", csp["object-src"]);
        Assert.Equal("'none'", csp["frame-ancestors"]);
        Assert.Equal("'self'", csp["base-uri"]);
        Assert.Equal("'self'", csp["form-action"]);
        Assert.Equal("'self' 'unsafe-inline'", csp["style-src"]);
        Assert.Equal("'self'", csp["connect-src"]);
        Assert.Equal("'self' data:", csp["img-src"]);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        var permissions = response.Headers.GetValues("Permissions-Policy").Single();
        Assert.Contains("camera=()", permissions);
        Assert.Contains("microphone=()", permissions);
        Assert.Contains("geolocation=()", permissions);
    }

    [Fact]
    public async Task A_page_allows_exactly_its_import_map_by_hash_and_has_no_other_inline_script()
    {
        var response = await factory.AnonymousClient().GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertHardened(response);
        var html = await response.Content.ReadAsStringAsync();

        var importMap = ImportMapScript().Match(html);
        Assert.True(importMap.Success, "the page renders no import map");
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.Groups[1].Value)));
        Assert.Equal($"'self' 'sha256-{hash}'", Directives(response)["script-src"]);
        Assert.Empty(InlineScript().Matches(html));
    }

    [Fact]
    public async Task A_signed_in_interactive_page_and_the_api_reference_have_the_headers()
    {
        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Viewer));
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        AssertHardened(home);
        Assert.Contains("'sha256-", Directives(home)["script-src"]);

        var docs = await client.GetAsync("/api/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        AssertHardened(docs);
        Assert.Empty(InlineScript().Matches(await docs.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Api_answers_and_errors_have_the_headers()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var api = factory.BearerClient(await factory.CreateTokenAsync(user, "read"));

        var list = await api.GetAsync("/api/v1/services");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        AssertHardened(list);
        Assert.Equal("'self'", Directives(list)["script-src"]);

        var missing = await api.GetAsync("/api/v1/services/" + PortalFactory.Unique("nothing"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertHardened(missing);

        var unauthenticated = await factory.AnonymousClient().GetAsync("/api/v1/services");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        AssertHardened(unauthenticated);

        var signedIn = await factory.SignInAsync(user);
        var notFoundPage = await signedIn.GetAsync("/" + PortalFactory.Unique("no-such-page"));
        Assert.Equal(HttpStatusCode.NotFound, notFoundPage.StatusCode);
        AssertHardened(notFoundPage);
    }

    [Fact]
    public async Task Cookies_are_http_only_same_site_and_secure_over_https_where_hsts_is_sent()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        HttpClient Https() => factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = new Uri("https://portal.example"),
        });
        var https = Https();
        var login = await PortalFactory.PostLoginAsync(https, user.Email, PortalFactory.Password);
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        var auth = Assert.Single(cookies, c => c.StartsWith("BackendPortal.Auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", auth, StringComparison.OrdinalIgnoreCase);
        Assert.True(login.Headers.Contains("Strict-Transport-Security"));

        var page = await Https().GetAsync("/Account/Login");
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.Contains("httponly", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("samesite=(lax|strict)", antiforgery.ToLowerInvariant());

        var plain = await factory.AnonymousClient().GetAsync("/Account/Login");
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        var plainCookie = plain.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", plainCookie, StringComparison.OrdinalIgnoreCase);
    }
}
