using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Tokens;

public class TokensPageTests : PortalTestContext
{
    private TokenService Tokens => Services.GetRequiredService<TokenService>();

    private AngleSharp.Dom.IElement Scope(string name) =>
        DialogProvider.FindAll(".mud-checkbox").Single(c => c.TextContent.Trim() == name).QuerySelector("input")!;

    private async Task<ApiToken> TokenRowAsync(int id)
    {
        await using var db = await DbAsync();
        return await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    [Fact]
    public async Task Creating_a_token_shows_it_once_and_lists_it_by_prefix()
    {
        var me = await SignInAsync("Tia Tokens", Roles.Engineer);
        var cut = Render<TokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("No tokens yet", cut.Markup));

        cut.Find("[data-testid=new-token-button]").Click();
        DialogProvider.WaitForAssertion(() => FieldOf(DialogProvider, "Name"));
        Type(DialogProvider, "Name", "CI deploy");
        Scope("write").Change(true);
        Assert.DoesNotContain(DialogProvider.FindAll(".mud-checkbox"), c => c.TextContent.Trim() == "admin");
        DialogProvider.FindAll(".mud-chip").Single(c => c.TextContent.Contains("30 days")).Click();
        DialogProvider.Find("[data-testid=create-token]").Click();

        DialogProvider.WaitForAssertion(() => FieldOf(DialogProvider, "CI deploy"));
        var secret = FieldOf(DialogProvider, "CI deploy").QuerySelector("input")!.GetAttribute("value")!;
        Assert.True(TokenFormat.IsWellFormed(secret), secret);
        var saved = Assert.Single(await Tokens.ListAsync(me.UserId));
        Assert.Equal("CI deploy", saved.Name);
        Assert.Equal(["read", "write"], saved.Scopes);
        Assert.Equal(30, (int)Math.Round((saved.ExpiresAt - saved.CreatedAt).TotalDays));
        Assert.Equal(TokenFormat.Hash(secret), (await TokenRowAsync(saved.Id)).Hash);

        DialogProvider.FindAll("button").Single(b => b.TextContent.Trim() == "Done").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr.mud-table-row")));
        DialogProvider.WaitForAssertion(() => Assert.DoesNotContain(secret, DialogProvider.Markup));
        Assert.DoesNotContain(secret, cut.Markup);
        var row = cut.Find("tbody tr.mud-table-row");
        Assert.Contains($"bp_{saved.Prefix}…", row.TextContent);
        Assert.Equal("active", row.QuerySelector("[data-testid=token-status]")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_refused_token_keeps_the_dialog_open_with_the_reason()
    {
        var me = await SignInAsync("Tia Tokens", Roles.Engineer);
        var cut = Render<TokensPage>();
        cut.Find("[data-testid=new-token-button]").Click();
        DialogProvider.WaitForAssertion(() => FieldOf(DialogProvider, "Name"));
        Scope("read").Change(false);

        DialogProvider.Find("[data-testid=create-token]").Click();

        DialogProvider.WaitForAssertion(() => Assert.Contains("Give at least one scope", DialogProvider.Markup));
        Assert.NotNull(ErrorOf(DialogProvider, "Name"));
        Assert.DoesNotContain("Your new token", DialogProvider.Markup);
        Assert.Empty(await Tokens.ListAsync(me.UserId));
    }

    [Fact]
    public async Task Revoke_asks_first_then_shows_the_token_as_revoked()
    {
        var me = await SignInAsync("Tia Tokens", Roles.Engineer);
        var created = await Tokens.CreateAsync(me.UserId, "old script", ["read"], 30);
        var cut = Render<TokensPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=revoke-token]")));

        cut.Find("[data-testid=revoke-token]").Click();
        DialogProvider.WaitForElement("div.mud-dialog");
        DialogProvider.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        cut.WaitForAssertion(() => Assert.Equal("revoked", cut.Find("[data-testid=token-status]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=revoke-token]"));
        Assert.NotNull((await TokenRowAsync(created.Id)).RevokedAt);
    }

    [Fact]
    public async Task Expired_tokens_are_shown_as_expired()
    {
        var me = await SignInAsync("Tia Tokens", Roles.Engineer);
        var created = await Tokens.CreateAsync(me.UserId, "last year", ["read"], 1);
        await using (var db = await DbAsync())
        {
            await db.ApiTokens.Where(t => t.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddDays(-1)));
        }

        var cut = Render<TokensPage>();

        cut.WaitForAssertion(() => Assert.Equal("expired", cut.Find("[data-testid=token-status]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=revoke-token]"));
    }

    [Fact]
    public async Task Admin_view_lists_everyones_tokens_filters_by_owner_and_revokes_any()
    {
        await SignInAsync("Ada Admin", Roles.Admin);
        var other = await SignInAsync("Olaf Other", Roles.Engineer);
        var admin = await SignInAsync("Ada Two", Roles.Admin);
        var othersToken = await Tokens.CreateAsync(other.UserId, "olaf job", ["read"], 30);
        await Tokens.CreateAsync(admin.UserId, "ada job", ["read", "admin"], 30);

        var cut = Render<AdminTokensPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr.mud-table-row").Count));
        Type(cut, "Filter by owner e-mail", "olaf");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr.mud-table-row")), TimeSpan.FromSeconds(3));
        Assert.Contains("olaf-other@example.com", cut.Find("tbody").TextContent);

        cut.Find("[data-testid=revoke-token]").Click();
        DialogProvider.WaitForElement("div.mud-dialog");
        DialogProvider.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        cut.WaitForAssertion(() => Assert.Equal("revoked", cut.Find("[data-testid=token-status]").TextContent.Trim()));
        Assert.NotNull((await TokenRowAsync(othersToken.Id)).RevokedAt);
    }

    [Fact]
    public async Task Only_admins_list_or_revoke_other_peoples_tokens()
    {
        var engineer = await SignInAsync("Eve Engineer", Roles.Engineer);
        var created = await Tokens.CreateAsync(engineer.UserId, "mine", ["read"], 30);

        await Assert.ThrowsAsync<ForbiddenException>(() => Tokens.ListAllAsync(engineer));
        await Assert.ThrowsAsync<ForbiddenException>(() => Tokens.RevokeAnyAsync(engineer, created.Id));
        var adminByToken = new Actor("x", "x", new HashSet<string> { Roles.Admin }, new HashSet<string> { TokenScopes.Read });
        await Assert.ThrowsAsync<ForbiddenException>(() => Tokens.ListAllAsync(adminByToken));
    }
}
