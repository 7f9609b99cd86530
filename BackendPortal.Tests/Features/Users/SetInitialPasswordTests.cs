using System.Net;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Users;

public sealed class SetInitialPasswordTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    public const string NewPassword = "a brand new passphrase";

    public static async Task<CreatedUser> InviteAsync(PortalFactory factory) =>
        await factory.WithServiceAsync<UserAdminService, CreatedUser>(s => s.CreateAsync(Actor.System, new NewUserInput
        {
            Email = PortalFactory.Unique("invitee") + "@example.com",
            Roles = [Roles.Viewer],
        }));

    public static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string link, string password, string? confirm = null)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + link).Query);
        return HtmlForms.SubmitAsync(client, link, "set-initial-password", new Dictionary<string, string>
        {
            ["email"] = query["email"].ToString(),
            ["code"] = query["code"].ToString(),
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password,
        });
    }

    [Fact]
    public void The_link_lives_24_hours()
    {
        var options = factory.Services.GetRequiredService<IOptions<DataProtectionTokenProviderOptions>>().Value;
        Assert.Equal(TimeSpan.FromHours(24), options.TokenLifespan);
    }

    [Fact]
    public async Task The_link_sets_the_password_once_and_then_the_user_signs_in()
    {
        var invited = await InviteAsync(factory);
        var client = factory.AnonymousClient();
        Assert.Contains("Choose a password", await (await client.GetAsync(invited.SetPasswordUrl)).Content.ReadAsStringAsync());

        var done = await SubmitAsync(client, invited.SetPasswordUrl, NewPassword);

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Your password is set", await done.Content.ReadAsStringAsync());
        await factory.SignInAsync(invited.User.Email, NewPassword);

        var again = await (await client.GetAsync(invited.SetPasswordUrl)).Content.ReadAsStringAsync();
        Assert.Contains("expired or was used already", again);
        Assert.DoesNotContain("Input.Password", again);
    }

    [Fact]
    public async Task A_weak_or_mismatched_password_is_refused_and_the_link_still_works()
    {
        var invited = await InviteAsync(factory);
        var client = factory.AnonymousClient();

        var mismatch = await (await SubmitAsync(client, invited.SetPasswordUrl, NewPassword, "something else entirely")).Content.ReadAsStringAsync();
        Assert.Contains("The passwords do not match", mismatch);
        var tooShort = await (await SubmitAsync(client, invited.SetPasswordUrl, "short")).Content.ReadAsStringAsync();
        Assert.Contains("at least 12 characters", tooShort);

        Assert.Contains("Your password is set", await (await SubmitAsync(client, invited.SetPasswordUrl, NewPassword)).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/Account/SetInitialPassword")]
    [InlineData("/Account/SetInitialPassword?email=nobody@example.com&code=abc")]
    [InlineData("/Account/SetInitialPassword?email=nobody@example.com&code=%%%")]
    public async Task A_missing_or_forged_link_shows_a_clear_message(string url)
    {
        var response = await factory.AnonymousClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("expired or was used already", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>Links that are already past their lifespan when they are made.</summary>
public sealed class ExpiredLinkFactory : PortalFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromMinutes(-1)));
    }
}

public sealed class ExpiredSetPasswordLinkTests(ExpiredLinkFactory factory) : IClassFixture<ExpiredLinkFactory>
{
    [Fact]
    public async Task An_expired_link_shows_a_clear_message_and_sets_nothing()
    {
        var invited = await SetInitialPasswordTests.InviteAsync(factory);
        var client = factory.AnonymousClient();

        var page = await (await client.GetAsync(invited.SetPasswordUrl)).Content.ReadAsStringAsync();

        Assert.Contains("expired or was used already", page);
        Assert.Null(await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions
            .SingleAsync(db.Users.Where(u => u.Id == invited.User.Id).Select(u => u.PasswordHash))));
    }
}
