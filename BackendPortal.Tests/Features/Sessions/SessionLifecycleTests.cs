using System.Net;
using System.Security.Claims;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Sessions;

public sealed class SessionLifecycleTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private Task<List<UserSession>> SessionsOfAsync(string userId) =>
        factory.WithDbAsync(db => db.UserSessions.AsNoTracking().Where(s => s.UserId == userId).OrderBy(s => s.CreatedAt).ToListAsync());

    private static async Task<string> GetOutcomeAsync(HttpClient client, string url = "/")
    {
        var response = await client.GetAsync(url);
        return response.StatusCode == HttpStatusCode.Redirect
            ? "redirect:" + response.Headers.Location!.OriginalString.Split('?')[0].Replace("http://localhost", "", StringComparison.Ordinal)
            : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Sign_in_starts_a_session_row_and_the_cookie_works()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.SignInAsync(user);

        Assert.Equal("200", await GetOutcomeAsync(client));
        var session = Assert.Single(await SessionsOfAsync(user.Id));
        Assert.Null(session.EndedAt);
        Assert.Equal(32, session.Id.Length);
        Assert.True(session.LastSeenAt >= session.CreatedAt);
    }

    [Fact]
    public async Task Ending_all_sessions_sends_the_next_page_request_to_sign_in_and_the_api_answers_401()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.SignInAsync(user);
        Assert.Equal("200", await GetOutcomeAsync(client, "/api/v1/services/"));

        var ended = await factory.WithServiceAsync<SessionService, int>(s => s.EndAllAsync(user.Id));

        Assert.Equal(1, ended);
        Assert.Equal("redirect:/Account/Login", await GetOutcomeAsync(client));
        // A new sign-in elsewhere does not revive the ended one.
        await factory.SignInAsync(user);
        Assert.Equal("401", await GetOutcomeAsync(client, "/api/v1/services/"));
    }

    [Fact]
    public async Task Signing_out_other_sessions_keeps_this_one()
    {
        var user = await factory.CreateUserAsync(Roles.Engineer);
        var laptop = await factory.SignInAsync(user);
        var phone = await factory.SignInAsync(user);
        var sessions = await SessionsOfAsync(user.Id);
        Assert.Equal(2, sessions.Count);

        await factory.WithServiceAsync<SessionService, int>(s => s.EndAllAsync(user.Id, sessions[0].Id));

        Assert.Equal("200", await GetOutcomeAsync(laptop));
        Assert.Equal("redirect:/Account/Login", await GetOutcomeAsync(phone));
        var listed = await factory.WithServiceAsync<SessionService, IReadOnlyList<SessionSummary>>(s => s.ListAsync(user.Id, sessions[0].Id));
        var only = Assert.Single(listed);
        Assert.True(only.IsCurrent);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_row_and_a_copy_of_the_old_cookie_stops_working()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var jar = new CookieContainer();
        var client = factory.CreateDefaultClient(new CookieContainerHandler(jar));
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password)).StatusCode);
        // Keep the cookie as it was before sign-out, as a thief would.
        var copy = new CookieContainer();
        copy.Add(jar.GetAllCookies());
        var stolen = factory.CreateDefaultClient(new CookieContainerHandler(copy));
        var manage = await client.GetAsync("/Account/Manage");
        var token = HtmlForms.AntiforgeryToken(await manage.Content.ReadAsStringAsync());

        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = "",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(Assert.Single(await SessionsOfAsync(user.Id)).EndedAt);
        Assert.Equal("redirect:/Account/Login", await GetOutcomeAsync(stolen));
    }

    [Fact]
    public async Task The_circuit_check_fails_once_the_session_is_ended()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        await factory.SignInAsync(user);
        var session = Assert.Single(await SessionsOfAsync(user.Id));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(SessionCookieEvents.ClaimType, session.Id)], "test"));
        await using var scope = factory.Scope();

        Assert.True(await SessionCookieEvents.IsCircuitSessionActiveAsync(scope.ServiceProvider, principal));
        await factory.WithServiceAsync<SessionService, bool>(s => s.EndAsync(user.Id, session.Id));
        Assert.False(await SessionCookieEvents.IsCircuitSessionActiveAsync(scope.ServiceProvider, principal));
    }
}
