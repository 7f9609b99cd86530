using System.Buffers.Binary;
using System.Net;
using BackendPortal.Data;
using BackendPortal.Features.Users;
using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackendPortal.Security;

public sealed class IdentityTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private Task<ApplicationUser> LoadAsync(string email) =>
        factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email));

    private static int Iterations(string hash)
    {
        // ASP.NET Core Identity v3 format: 0x01, PRF (4 bytes), iteration count (4 bytes, big-endian), ...
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        return (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4));
    }

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_and_the_right_password_then_does_not_sign_in()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = factory.AnonymousClient();
        for (var i = 0; i < 5; i++)
        {
            var failed = await PortalFactory.PostLoginAsync(client, user.Email, "wrong password " + i);
            Assert.False(PortalFactory.SetsAuthCookie(failed));
        }
        Assert.NotNull((await LoadAsync(user.Email)).LockoutEnd);

        var sixth = await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password);
        Assert.False(PortalFactory.SetsAuthCookie(sixth));
        Assert.Equal(HttpStatusCode.Redirect, sixth.StatusCode);
        Assert.EndsWith("/Account/Lockout", sixth.Headers.Location!.ToString().Split('?')[0]);
        var lockoutEnd = (await LoadAsync(user.Email)).LockoutEnd;
        Assert.NotNull(lockoutEnd);
        Assert.InRange(lockoutEnd!.Value, DateTimeOffset.UtcNow.AddMinutes(10), DateTimeOffset.UtcNow.AddMinutes(16));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_the_right_one_signs_in()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = factory.AnonymousClient();
        var wrong = await PortalFactory.PostLoginAsync(client, user.Email, "not the password");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("wrong", await wrong.Content.ReadAsStringAsync());

        var right = await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password);
        Assert.True(PortalFactory.SetsAuthCookie(right));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(0, (await LoadAsync(user.Email)).AccessFailedCount);
    }

    [Fact]
    public async Task Passwords_need_12_characters_and_may_be_long()
    {
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            factory.CreateAccountAsync(PortalFactory.Unique("short") + "@example.com", "elevenchars", Roles.Viewer));
        Assert.Contains(error.Errors["password"], m => m.Contains("12"));

        await factory.CreateAccountAsync(PortalFactory.Unique("twelve") + "@example.com", "twelve chars", Roles.Viewer);
        var longPassword = string.Concat(Enumerable.Repeat("a long passphrase ", 8));
        Assert.True(longPassword.Length > 64);
        var user = await factory.CreateAccountAsync(PortalFactory.Unique("long") + "@example.com", longPassword, Roles.Viewer);
        await factory.SignInAsync(user.Email, longPassword);
    }

    [Fact]
    public async Task Hashes_use_at_least_210000_iterations_and_older_hashes_are_upgraded_at_sign_in()
    {
        Assert.True(factory.Services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value.IterationCount >= 210_000);
        var user = await factory.CreateUserAsync(Roles.Viewer);
        Assert.True(Iterations((await LoadAsync(user.Email)).PasswordHash!) >= 210_000);

        var weak = new PasswordHasher<ApplicationUser>(Options.Create(new PasswordHasherOptions { IterationCount = 10_000 }));
        var oldHash = weak.HashPassword(new ApplicationUser(), PortalFactory.Password);
        Assert.Equal(10_000, Iterations(oldHash));
        await factory.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, oldHash)));

        await factory.SignInAsync(user);

        var upgraded = (await LoadAsync(user.Email)).PasswordHash!;
        Assert.NotEqual(oldHash, upgraded);
        Assert.True(Iterations(upgraded) >= 210_000);
    }

    [Theory]
    [InlineData("/Account/Register")]
    [InlineData("/Account/RegisterConfirmation")]
    [InlineData("/Account/ForgotPassword")]
    [InlineData("/Account/ResendEmailConfirmation")]
    [InlineData("/Account/Manage/DeletePersonalData")]
    public async Task There_is_no_self_registration_or_mail_page(string path)
    {
        // Anonymous visitors of an unknown address are sent to sign-in like for any page (nothing is revealed).
        var anonymous = await factory.AnonymousClient().GetAsync(path);
        Assert.True(anonymous.StatusCode == HttpStatusCode.NotFound || anonymous.Headers.Location?.AbsolutePath == "/Account/Login",
            $"{(int)anonymous.StatusCode} {anonymous.Headers.Location}");
        var signedIn = await (await factory.SignInAsync(await factory.CreateUserAsync(Roles.Admin))).GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, signedIn.StatusCode);
        Assert.DoesNotContain(factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints,
            e => (e as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText?.Equals(path, StringComparison.OrdinalIgnoreCase) == true);
    }

    [Fact]
    public async Task Accounts_made_by_an_admin_sign_in_at_once_and_get_a_person()
    {
        var user = await factory.CreateUserAsync(Roles.Engineer, Roles.QA);
        Assert.Equal([Roles.Engineer, Roles.QA], user.Roles);
        var person = await factory.WithDbAsync(db => db.People.SingleAsync(p => p.UserId == user.Id));
        Assert.Equal(user.PersonSlug, person.Slug);
        await factory.SignInAsync(user);
        await Assert.ThrowsAsync<ConflictException>(() => factory.CreateAccountAsync(user.Email.ToUpperInvariant(), PortalFactory.Password, Roles.Viewer));
    }
}

/// <summary>A database with no users: the setup link creates the first admin once. One test, in order.</summary>
public sealed class SetupTokenTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task The_setup_token_creates_the_first_admin_once_and_only_its_hash_is_stored()
    {
        // The app logged a link at start (the one secret allowed in the console).
        _ = factory.Services;
        Assert.Contains(factory.Logs.Entries, l => l.Message.Contains("/setup?token="));

        var token = await factory.WithServiceAsync<Features.Setup.SetupService, string?>(s => s.IssueTokenIfNeededAsync());
        Assert.NotNull(token);
        var stored = await factory.WithDbAsync(db => db.SetupTokens.AsNoTracking().ToListAsync());
        Assert.Contains(stored, t => t.Hash == Features.Tokens.TokenFormat.Hash(token!) && t.UsedAt == null);
        Assert.DoesNotContain(stored, t => t.Hash.Contains(token!));
        Assert.Single(stored, t => t.UsedAt == null);

        var client = factory.AnonymousClient();
        var url = $"/setup?token={token}";
        var fields = new Dictionary<string, string>
        {
            ["Input.Email"] = "first.admin@example.com",
            ["Input.Name"] = "First Admin",
            ["Input.Password"] = PortalFactory.Password,
            ["Input.ConfirmPassword"] = PortalFactory.Password,
        };
        var page = await client.GetStringAsync(url);
        var hidden = HtmlForms.HiddenInputs(page);
        fields["token"] = hidden["token"];
        var created = await HtmlForms.SubmitAsync(client, url, "setup", fields);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("is ready", await created.Content.ReadAsStringAsync());

        var admin = await factory.WithDbAsync(db => db.Users.SingleAsync());
        Assert.Equal("first.admin@example.com", admin.Email);
        await using (var scope = factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
        }
        await factory.SignInAsync("first.admin@example.com");

        // The same link now fails, both as a page and as a second post.
        var again = await client.GetStringAsync(url);
        Assert.Contains("not valid", again);
        Assert.DoesNotContain("Create admin", again);
        fields["Input.Email"] = "second.admin@example.com";
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = hidden["__RequestVerificationToken"],
            ["_handler"] = "setup",
        };
        await client.PostAsync(url, new FormUrlEncodedContent(form));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Users.CountAsync()));
        await Assert.ThrowsAsync<ForbiddenException>(() => factory.WithServiceAsync<Features.Setup.SetupService, UserAccount>(s =>
            s.CreateFirstAdminAsync(token!, "third@example.com", null, PortalFactory.Password)));
        Assert.Null(await factory.WithServiceAsync<Features.Setup.SetupService, string?>(s => s.IssueTokenIfNeededAsync()));
    }
}
