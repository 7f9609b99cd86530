using System.Net;
using System.Net.Http.Headers;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class TokenPageTests(PortalFixture portal)
{
    [Fact]
    public async Task A_token_made_in_the_ui_calls_the_api_until_it_is_revoked_in_the_ui()
    {
        var engineer = await portal.CreateUserAsync("Engineer", "Tom Tokens");
        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, engineer);
        var tokens = await new TokensPage(home.Page).GotoAsync();
        var name = "deploy-" + Unique.Suffix();

        var secret = await tokens.CreateAsync(name, ["read", "write"], 30);

        await Expect(tokens.StatusOf(name)).ToHaveTextAsync("active");
        await Expect(tokens.Row(name)).ToContainTextAsync(secret[..11] + "…");
        await Expect(tokens.Page.GetByText(secret)).ToHaveCountAsync(0);
        using var api = new HttpClient { BaseAddress = portal.RootUri };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("api/v1/services")).StatusCode);

        await tokens.RevokeAsync(name);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("api/v1/services")).StatusCode);
    }
}
