using System.Net.Http.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Users;

public sealed class UserAdminServiceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private Task<T> Admin<T>(Func<UserAdminService, Task<T>> work) => factory.WithServiceAsync(work);

    private async Task<(Actor Actor, UserAccount Admin)> AdminActorAsync()
    {
        var admin = await factory.CreateUserAsync(Roles.Admin);
        return (PortalFactory.ActorFor(admin), admin);
    }

    private Task<ApplicationUser> LoadAsync(string id) => factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == id));

    [Fact]
    public async Task The_grid_pages_and_searches_and_shows_each_users_state()
    {
        var (actor, _) = await AdminActorAsync();
        var tag = PortalFactory.Unique("grid");
        for (var i = 0; i < 3; i++)
        {
            await factory.CreateAccountAsync($"{tag}-{i}@example.com", PortalFactory.Password, Roles.Viewer, Roles.QA);
        }

        var first = await Admin(s => s.QueryAsync(actor, tag, 0, 2));
        var second = await Admin(s => s.QueryAsync(actor, tag, 2, 2));

        Assert.Equal(3, first.Total);
        Assert.Equal([$"{tag}-0@example.com", $"{tag}-1@example.com"], first.Items.Select(u => u.Email));
        Assert.Equal($"{tag}-2@example.com", Assert.Single(second.Items).Email);
        var row = first.Items[0];
        Assert.Equal([Roles.QA, Roles.Viewer], row.Roles);
        Assert.False(row.TwoFactorEnabled);
        Assert.False(row.Locked);
        Assert.False(row.Disabled);
        Assert.Null(row.LastSignInAt);
    }

    [Fact]
    public async Task The_api_list_is_keyset_paged_by_email()
    {
        var (actor, _) = await AdminActorAsync();
        var tag = PortalFactory.Unique("keys");
        foreach (var n in new[] { "c", "a", "b" })
        {
            await factory.CreateAccountAsync($"{tag}-{n}@example.com", PortalFactory.Password, Roles.Viewer);
        }

        var page1 = await Admin(s => s.ListAsync(actor, tag, PageRequest.Parse(2, null)));
        var page2 = await Admin(s => s.ListAsync(actor, tag, PageRequest.Parse(2, page1.NextCursor)));

        Assert.Equal(3, page1.Total);
        Assert.Equal([$"{tag}-a@example.com", $"{tag}-b@example.com"], page1.Items.Select(u => u.Email));
        Assert.NotNull(page1.NextCursor);
        Assert.Equal($"{tag}-c@example.com", Assert.Single(page2.Items).Email);
        Assert.Null(page2.NextCursor);
    }

    [Fact]
    public async Task Non_admins_and_tokens_without_the_admin_scope_are_refused()
    {
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        var (_, admin) = await AdminActorAsync();
        await Assert.ThrowsAsync<ForbiddenException>(() => Admin(s => s.QueryAsync(PortalFactory.ActorFor(engineer), null, 0, 10)));
        var ex = await Assert.ThrowsAsync<ForbiddenException>(() => Admin(s => s.SetDisabledAsync(PortalFactory.ActorFor(admin, TokenScopes.Read, TokenScopes.Write), engineer.Email, true)));
        Assert.Contains("admin", ex.Message);
        Assert.False((await LoadAsync(engineer.Id)).IsDisabled);
    }

    [Fact]
    public async Task Creating_a_user_gives_no_password_and_a_set_password_link()
    {
        var (actor, _) = await AdminActorAsync();
        var email = PortalFactory.Unique("new") + "@example.com";

        var created = await Admin(s => s.CreateAsync(actor, new NewUserInput { Email = email, DisplayName = "New Person", Roles = ["engineer", "QA"] }));

        Assert.Equal(email, created.User.Email);
        Assert.Equal("New Person", created.User.DisplayName);
        Assert.Equal([Roles.Engineer, Roles.QA], created.User.Roles);
        Assert.StartsWith("/Account/SetInitialPassword?email=", created.SetPasswordUrl);
        Assert.Null((await LoadAsync(created.User.Id)).PasswordHash);
        Assert.True(await factory.WithDbAsync(db => db.People.AnyAsync(p => p.UserId == created.User.Id)));
    }

    [Fact]
    public async Task Creating_with_an_unknown_role_or_a_taken_email_is_refused()
    {
        var (actor, admin) = await AdminActorAsync();
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Admin(s => s.CreateAsync(actor, new NewUserInput { Email = "x@example.com", Roles = ["Wizard"] })));
        Assert.Contains("roles", bad.Errors.Keys);
        await Assert.ThrowsAsync<ConflictException>(() => Admin(s => s.CreateAsync(actor, new NewUserInput { Email = admin.Email, Roles = [Roles.Viewer] })));
    }

    [Fact]
    public async Task Admin_changes_are_audited_as_user_updated()
    {
        var (actor, admin) = await AdminActorAsync();
        var user = await factory.CreateUserAsync(Roles.Viewer);

        await Admin(s => s.SetDisabledAsync(actor, user.Email, true));
        await Admin(s => s.ResetTwoFactorAsync(actor, user.Email));
        await Admin(s => s.SignOutEverywhereAsync(actor, user.Email));

        var entries = await factory.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == Features.Audit.AuditActions.UserUpdated && e.EntityKey == user.Email)
            .OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(admin.Email, e.ActorName));
        Assert.Equal("disabled", entries[0].Summary);
        Assert.Contains("Two-factor", entries[1].Summary);
        Assert.Contains("Signed out everywhere", entries[2].Summary);
    }

    [Fact]
    public async Task Changing_roles_replaces_them_and_renews_the_security_stamp()
    {
        var (actor, _) = await AdminActorAsync();
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var stamp = (await LoadAsync(user.Id)).SecurityStamp;

        var updated = await Admin(s => s.SetRolesAsync(actor, user.Email, ["Engineer", "qa"]));

        Assert.Equal([Roles.Engineer, Roles.QA], updated.Roles);
        Assert.NotEqual(stamp, (await LoadAsync(user.Id)).SecurityStamp);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Admin(s => s.SetRolesAsync(actor, user.Email, ["Root"])));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Admin(s => s.SetRolesAsync(actor, user.Email, [])));
    }

    [Fact]
    public async Task Signing_in_records_the_last_sign_in_shown_in_the_list()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        Assert.Null((await LoadAsync(user.Id)).LastSignInAt);

        await factory.SignInAsync(user);

        Assert.NotNull((await LoadAsync(user.Id)).LastSignInAt);
    }

    [Fact]
    public async Task Locking_and_unlocking()
    {
        var (actor, _) = await AdminActorAsync();
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var stamp = (await LoadAsync(user.Id)).SecurityStamp;

        var locked = await Admin(s => s.SetLockedAsync(actor, user.Email, true));
        Assert.True(locked.Locked);
        var row = await LoadAsync(user.Id);
        Assert.True(row.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100));
        Assert.NotEqual(stamp, row.SecurityStamp);

        var unlocked = await Admin(s => s.SetLockedAsync(actor, user.Email, false));
        Assert.False(unlocked.Locked);
        Assert.Null((await LoadAsync(user.Id)).LockoutEnd);
    }

    [Fact]
    public async Task Disabling_and_enabling_ends_browser_sessions()
    {
        var (actor, _) = await AdminActorAsync();
        var user = await factory.CreateUserAsync(Roles.Viewer);
        await factory.SignInAsync(user);
        Assert.True(await factory.WithDbAsync(db => db.UserSessions.AnyAsync(s => s.UserId == user.Id && s.EndedAt == null)));

        var disabled = await Admin(s => s.SetDisabledAsync(actor, user.Email, true));

        Assert.True(disabled.Disabled);
        Assert.NotNull(disabled.DisabledAt);
        Assert.False(await factory.WithDbAsync(db => db.UserSessions.AnyAsync(s => s.UserId == user.Id && s.EndedAt == null)));
        var enabled = await Admin(s => s.SetDisabledAsync(actor, user.Email, false));
        Assert.False(enabled.Disabled);
        Assert.Null(enabled.DisabledAt);
    }

    [Fact]
    public async Task Resetting_2fa_turns_it_off_and_forgets_the_key()
    {
        var (actor, _) = await AdminActorAsync();
        var user = await factory.CreateUserAsync(Roles.Viewer);
        string? oldKey;
        await using (var scope = factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var entity = (await users.FindByIdAsync(user.Id))!;
            await users.ResetAuthenticatorKeyAsync(entity);
            await users.SetTwoFactorEnabledAsync(entity, true);
            oldKey = await users.GetAuthenticatorKeyAsync(entity);
        }
        Assert.True((await Admin(s => s.GetAsync(actor, user.Email))).TwoFactorEnabled);

        var reset = await Admin(s => s.ResetTwoFactorAsync(actor, user.Email));

        Assert.False(reset.TwoFactorEnabled);
        await using (var scope = factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.NotEqual(oldKey, await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(user.Id))!));
        }
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_sessions_and_renews_the_stamp_but_keeps_tokens()
    {
        var (actor, _) = await AdminActorAsync();
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var token = await factory.CreateTokenAsync(user, "read");
        var browser = await factory.SignInAsync(user);
        await factory.SignInAsync(user);
        var stamp = (await LoadAsync(user.Id)).SecurityStamp;

        var ended = await Admin(s => s.SignOutEverywhereAsync(actor, user.Email));

        Assert.Equal(2, ended);
        Assert.NotEqual(stamp, (await LoadAsync(user.Id)).SecurityStamp);
        var page = await browser.GetAsync("/");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login", page.Headers.Location!.ToString());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await factory.BearerClient(token).GetAsync("/api/v1/teams")).StatusCode);
    }

    [Fact]
    public async Task Unknown_users_are_not_found()
    {
        var (actor, _) = await AdminActorAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => Admin(s => s.SetLockedAsync(actor, "nobody@example.com", true)));
        await Assert.ThrowsAsync<NotFoundException>(() => Admin(s => s.GetAsync(actor, "nobody@example.com")));
    }
}

/// <summary>Each test gets its own portal, so "the last admin" is really the last one.</summary>
public sealed class LastAdminTests
{
    [Fact]
    public async Task The_last_active_admin_cannot_be_demoted_disabled_or_locked_and_no_admin_drops_their_own_role()
    {
        await using var factory = new PortalFactory();
        var ada = await factory.CreateUserAsync(Roles.Admin);
        var bob = await factory.CreateUserAsync(Roles.Admin);
        var asAda = PortalFactory.ActorFor(ada);
        var asBob = PortalFactory.ActorFor(bob);
        Task<UserSummary> Run(Func<UserAdminService, Task<UserSummary>> work) => factory.WithServiceAsync(work);

        var own = await Assert.ThrowsAsync<ConflictException>(() => Run(s => s.SetRolesAsync(asAda, ada.Email, [Roles.Viewer])));
        Assert.Contains("your own Admin role", own.Message);

        await Run(s => s.SetRolesAsync(asAda, bob.Email, [Roles.Engineer]));
        // Ada is now the only admin: nobody (not even the system) may take that away.
        foreach (var change in new Func<UserAdminService, Task<UserSummary>>[]
        {
            s => s.SetDisabledAsync(Actor.System, ada.Email, true),
            s => s.SetLockedAsync(Actor.System, ada.Email, true),
            s => s.SetRolesAsync(Actor.System, ada.Email, [Roles.Viewer]),
            s => s.SetDisabledAsync(asAda, ada.Email, true),
        })
        {
            var ex = await Assert.ThrowsAsync<ConflictException>(() => Run(change));
            Assert.Contains("last active admin", ex.Message);
        }
        Assert.Equal([Roles.Admin], (await Run(s => s.GetAsync(Actor.System, ada.Email))).Roles);

        // A disabled or locked admin does not count as active.
        await Run(s => s.SetRolesAsync(asAda, bob.Email, [Roles.Admin]));
        await Run(s => s.SetDisabledAsync(asAda, bob.Email, true));
        await Assert.ThrowsAsync<ConflictException>(() => Run(s => s.SetLockedAsync(Actor.System, ada.Email, true)));
        await Run(s => s.SetDisabledAsync(asAda, bob.Email, false));
        await Run(s => s.SetLockedAsync(asAda, bob.Email, true));
        await Assert.ThrowsAsync<ConflictException>(() => Run(s => s.SetDisabledAsync(Actor.System, ada.Email, true)));

        // With a second active admin, either may be disabled.
        await Run(s => s.SetLockedAsync(asAda, bob.Email, false));
        Assert.True((await Run(s => s.SetDisabledAsync(asBob, ada.Email, true))).Disabled);
    }

    [Fact]
    public async Task The_api_answers_409_problem_details_for_the_last_admin()
    {
        await using var factory = new PortalFactory();
        var ada = await factory.CreateUserAsync(Roles.Admin);
        var client = factory.BearerClient(await factory.CreateTokenAsync(ada, "read,admin"));

        var response = await client.PatchAsJsonAsync($"/api/v1/users/{ada.Email}", new { disabled = true });

        Assert.Equal(System.Net.HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("last active admin", await response.Content.ReadAsStringAsync());
        Assert.False(await factory.WithDbAsync(db => db.Users.Where(u => u.Id == ada.Id).Select(u => u.IsDisabled).SingleAsync()));
    }
}
