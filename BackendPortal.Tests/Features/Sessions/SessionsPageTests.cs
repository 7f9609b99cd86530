using System.Security.Claims;
using BackendPortal.Components;
using BackendPortal.Data;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Sessions;

public class SessionsPageTests : PortalTestContext
{
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private const string Phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private SessionService Sessions => Services.GetRequiredService<SessionService>();

    private async Task<(string UserId, string Current, string Other)> SignInWithTwoSessionsAsync()
    {
        var actor = await SignInAsync("Sam Sessions", Roles.Viewer);
        var current = await Sessions.StartAsync(actor.UserId, "10.0.0.1", Firefox);
        var other = await Sessions.StartAsync(actor.UserId, "10.0.0.2", Phone);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.UserId), new Claim(SessionCookieEvents.ClaimType, current));
        return (actor.UserId, current, other);
    }

    private async Task<DateTime?> EndedAtAsync(string sessionId)
    {
        await using var db = await DbAsync();
        return await db.UserSessions.Where(s => s.Id == sessionId).Select(s => s.EndedAt).SingleAsync();
    }

    [Fact]
    public async Task Lists_my_sessions_in_words_and_marks_this_one()
    {
        await SignInWithTwoSessionsAsync();

        var cut = Render<SessionsPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr.mud-table-row").Count));
        var rows = cut.FindAll("tbody tr.mud-table-row");
        var mine = rows.Single(r => r.TextContent.Contains("Firefox on Linux"));
        Assert.NotNull(mine.QuerySelector("[data-testid=current-session]"));
        Assert.Null(mine.QuerySelector("[data-testid=end-session]"));
        var phone = rows.Single(r => r.TextContent.Contains("Safari on iOS"));
        Assert.Contains("10.0.0.2", phone.TextContent);
        Assert.NotNull(phone.QuerySelector("[data-testid=end-session]"));
    }

    [Fact]
    public async Task Sign_out_other_sessions_ends_them_after_confirming_and_keeps_this_one()
    {
        var (_, current, other) = await SignInWithTwoSessionsAsync();
        var cut = Render<SessionsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr.mud-table-row").Count));

        cut.Find("[data-testid=end-other-sessions]").Click();
        var confirm = DialogProvider.WaitForElement("div.mud-dialog");
        DialogProvider.FindAll("button").Single(b => b.TextContent.Contains("Sign out others")).Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr.mud-table-row")));
        Assert.NotNull(confirm);
        Assert.NotNull(await EndedAtAsync(other));
        Assert.Null(await EndedAtAsync(current));
        Assert.Empty(cut.FindAll("[data-testid=end-other-sessions]"));
    }

    [Fact]
    public async Task Sign_out_on_a_row_ends_that_session()
    {
        var (_, current, other) = await SignInWithTwoSessionsAsync();
        var cut = Render<SessionsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr.mud-table-row").Count));

        cut.Find("[data-testid=end-session]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr.mud-table-row")));
        Assert.NotNull(await EndedAtAsync(other));
        Assert.Null(await EndedAtAsync(current));
    }
}
