using System.Net;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;

namespace BackendPortal.Security;

public sealed class RateLimitFactory : PortalFactory
{
    public RateLimitFactory()
    {
        WithSetting("RateLimits:SignInPerIpPerMinute", "3");
        WithSetting("RateLimits:ApiPerTokenPerMinute", "5");
    }
}

public sealed class RateLimitTests(RateLimitFactory factory) : IClassFixture<RateLimitFactory>
{
    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode}: {body}");
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Sign_in_posts_beyond_the_limit_get_429_with_retry_after_and_the_form_still_opens()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = factory.AnonymousClient();
        for (var i = 0; i < 3; i++)
        {
            var allowed = await PortalFactory.PostLoginAsync(client, user.Email, "wrong password " + i);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        // Even the right password is refused: the limit is on attempts, not failures.
        await AssertTooManyAsync(await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
    }

    [Fact]
    public async Task Api_calls_are_limited_per_token()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var first = factory.BearerClient(await factory.CreateTokenAsync(user, "read"));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/services")).StatusCode);
        }
        await AssertTooManyAsync(await first.GetAsync("/api/v1/services"));

        var second = factory.BearerClient(await factory.CreateTokenAsync(user, "read"));
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/services")).StatusCode);
    }
}
