using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Features.Tokens;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Audit;

/// <summary>Each audited event, caused through the real app (sign-in form, API, services), leaves its entry.</summary>
public sealed class AuditLogTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private Task<List<AuditEntry>> EntriesAsync(Func<IQueryable<AuditEntry>, IQueryable<AuditEntry>> where) =>
        factory.WithDbAsync(db => where(db.AuditEntries.AsNoTracking()).OrderBy(e => e.Id).ToListAsync());

    private static void NoSecretIn(IEnumerable<AuditEntry> entries, string secret)
    {
        foreach (var e in entries)
        {
            var all = string.Join("|", e.Action, e.ActorId, e.ActorName, e.Ip, e.EntityType, e.EntityKey, e.Summary, e.Before, e.After);
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sign_in_success_and_failure_are_recorded_without_the_password()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        const string wrong = "not-the-password-at-all";

        var failed = await PortalFactory.PostLoginAsync(factory.AnonymousClient(), user.Email, wrong);
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        await factory.SignInAsync(user);

        var entries = await EntriesAsync(q => q.Where(e => e.ActorId == user.Id && e.Action.StartsWith("auth.")));
        Assert.Equal([AuditActions.SignInFailed, AuditActions.SignInSucceeded], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(user.Email, e.ActorName));
        Assert.Contains("wrong password", entries[0].Summary);
        Assert.Equal("Signed in with password", entries[1].Summary);
        NoSecretIn(entries, wrong);
        NoSecretIn(entries, PortalFactory.Password);
    }

    [Fact]
    public async Task Failed_sign_in_for_an_unknown_email_names_the_email_but_no_user()
    {
        var email = PortalFactory.Unique("nobody") + "@example.com";

        await PortalFactory.PostLoginAsync(factory.AnonymousClient(), email, "whatever-password-1");

        var entry = Assert.Single(await EntriesAsync(q => q.Where(e => e.ActorName == email)));
        Assert.Equal(AuditActions.SignInFailed, entry.Action);
        Assert.Null(entry.ActorId);
        Assert.Contains("unknown account", entry.Summary);
    }

    [Fact]
    public async Task The_attempt_that_locks_an_account_is_a_lockout_and_later_attempts_are_failures()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = factory.AnonymousClient();

        for (var i = 0; i < 5; i++)
        {
            await PortalFactory.PostLoginAsync(client, user.Email, "wrong-password-" + i);
        }
        // The right password during the lockout is refused too.
        var refused = await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password);
        Assert.False(PortalFactory.SetsAuthCookie(refused));

        var actions = (await EntriesAsync(q => q.Where(e => e.ActorId == user.Id && e.Action.StartsWith("auth.")))).Select(e => e.Action).ToList();
        Assert.Equal(
            [.. Enumerable.Repeat(AuditActions.SignInFailed, 4), AuditActions.Lockout, AuditActions.SignInFailed],
            actions);
        var last = (await EntriesAsync(q => q.Where(e => e.ActorId == user.Id))).Last();
        Assert.Contains("locked out", last.Summary);
    }

    [Fact]
    public async Task Sign_out_is_recorded()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.SignInAsync(user);
        var page = await (await client.GetAsync("/Account/Manage/ChangePassword")).Content.ReadAsStringAsync();

        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page),
            ["returnUrl"] = "",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var entry = Assert.Single(await EntriesAsync(q => q.Where(e => e.ActorId == user.Id && e.Action == AuditActions.SignOut)));
        Assert.Equal(user.Email, entry.ActorName);
    }

    [Fact]
    public async Task Password_change_through_the_account_page_is_recorded_without_either_password()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.SignInAsync(user);
        const string next = "a brand new passphrase 42";

        var response = await HtmlForms.SubmitAsync(client, "/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = PortalFactory.Password,
            ["Input.NewPassword"] = next,
            ["Input.ConfirmPassword"] = next,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var entry = Assert.Single(await EntriesAsync(q => q.Where(e => e.ActorId == user.Id && e.Action == AuditActions.PasswordChanged)));
        Assert.Equal("Changed their password", entry.Summary);
        NoSecretIn([entry], PortalFactory.Password);
        NoSecretIn([entry], next);
    }

    [Fact]
    public async Task Token_created_revoked_and_used_after_revoke_are_recorded_without_the_token()
    {
        var user = await factory.CreateUserAsync(Roles.Engineer);
        var created = await factory.WithServiceAsync<TokenService, CreatedToken>(s => s.CreateAsync(user.Id, "ci deploys", ["read"], 30));
        var client = factory.BearerClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/services")).StatusCode);

        await factory.WithServiceAsync<TokenService, int>(async s =>
        {
            await s.RevokeAsync(user.Id, created.Id);
            return 0;
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/services")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/teams")).StatusCode);

        var key = created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var entries = await EntriesAsync(q => q.Where(e => e.EntityType == "token" && e.EntityKey == key));
        // The second use within the minute adds nothing: one entry per token and minute.
        Assert.Equal([AuditActions.TokenCreated, AuditActions.TokenRevoked, AuditActions.TokenUsedAfterRevoke], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(user.Id, e.ActorId));
        Assert.Contains("ci deploys", entries[0].Summary);
        Assert.Contains($"bp_{TokenFormat.Prefix(created.Token)}", entries[0].Summary);
        NoSecretIn(entries, created.Token);
        NoSecretIn(entries, created.Token[3..]);
    }

    [Fact]
    public async Task A_viewer_refused_an_api_write_is_recorded_with_method_path_and_policy()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var viewer = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.SignInAsync(viewer);
        var input = ServiceInput.From(service);
        input.Name = "Renamed by a viewer";

        var response = await client.PutAsJsonAsync($"/api/v1/services/{service.Slug}", input);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var entry = Assert.Single(await EntriesAsync(q => q.Where(e => e.ActorId == viewer.Id && e.Action == AuditActions.AccessDenied)));
        Assert.Equal("route", entry.EntityType);
        Assert.Equal($"/api/v1/services/{service.Slug}", entry.EntityKey);
        Assert.Contains($"PUT /api/v1/services/{service.Slug}", entry.Summary);
        Assert.Contains("write-catalog", entry.Summary);
        // A refusal changes nothing, and says so in the log: no entity entry.
        Assert.Empty(await EntriesAsync(q => q.Where(e => e.EntityKey == service.Slug && e.Action == AuditActions.EntityUpdated)));
    }

    [Fact]
    public async Task A_refusal_by_a_service_rule_is_recorded_once()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var outsider = await factory.CreateUserAsync(Roles.Engineer);
        var client = await factory.SignInAsync(outsider);

        var response = await client.DeleteAsync($"/api/v1/services/{service.Slug}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var entry = Assert.Single(await EntriesAsync(q => q.Where(e => e.ActorId == outsider.Id && e.Action == AuditActions.AccessDenied)));
        Assert.Contains("Only members of the owner team", entry.Summary);
    }

    [Fact]
    public async Task A_non_admin_opening_the_audit_page_is_refused_and_recorded()
    {
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        var client = await factory.SignInAsync(engineer);

        var response = await client.GetAsync("/admin/audit");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/AccessDenied", response.Headers.Location!.OriginalString);
        var entry = Assert.Single(await EntriesAsync(q => q.Where(e => e.ActorId == engineer.Id && e.Action == AuditActions.AccessDenied)));
        Assert.Equal("/admin/audit", entry.EntityKey);
    }

    [Fact]
    public async Task Service_create_update_delete_carry_before_and_after_snapshots()
    {
        var team = await factory.CreateTeamAsync();
        var admin = await factory.CreateUserAsync(Roles.Admin);
        var client = factory.BearerClient(await factory.CreateTokenAsync(admin, "read,write"));
        var input = PortalFactory.NewServiceInput(team.Slug);

        var created = await (await client.PostAsJsonAsync("/api/v1/services", input)).Content.ReadFromJsonAsync<ServiceDetails>();
        var update = ServiceInput.From(created!);
        update.Name = "Renamed service";
        update.Tags = ["billing"];
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{created!.Slug}") { Content = JsonContent.Create(update) };
        put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(created.ETag));
        var updated = await (await client.SendAsync(put)).Content.ReadFromJsonAsync<ServiceDetails>();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/services/{created.Slug}")).StatusCode);

        var entries = await EntriesAsync(q => q.Where(e => e.EntityType == "service" && e.EntityKey == created.Slug));
        Assert.Equal([AuditActions.EntityCreated, AuditActions.EntityUpdated, AuditActions.EntityDeleted], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(admin.Id, e.ActorId));

        Assert.Null(entries[0].Before);
        using (var after = JsonDocument.Parse(entries[0].After!))
        {
            Assert.Equal(input.Name, after.RootElement.GetProperty("name").GetString());
            Assert.Equal(team.Slug, after.RootElement.GetProperty("owner").GetString());
            Assert.Equal(team.Name, after.RootElement.GetProperty("ownerName").GetString());
            Assert.Equal(created.Version, after.RootElement.GetProperty("version").GetGuid());
        }
        using (var before = JsonDocument.Parse(entries[1].Before!))
        using (var after = JsonDocument.Parse(entries[1].After!))
        {
            Assert.Equal(input.Name, before.RootElement.GetProperty("name").GetString());
            Assert.Equal("Renamed service", after.RootElement.GetProperty("name").GetString());
            Assert.Equal("billing", after.RootElement.GetProperty("tags")[0].GetString());
            // The snapshot is the record the API returned for the change.
            Assert.Equal(updated!.Version, after.RootElement.GetProperty("version").GetGuid());
            Assert.Equal(updated.UpdatedAt, after.RootElement.GetProperty("updatedAt").GetDateTime());
        }
        Assert.Null(entries[2].After);
        using (var before = JsonDocument.Parse(entries[2].Before!))
        {
            Assert.Equal("Renamed service", before.RootElement.GetProperty("name").GetString());
        }
    }

    [Fact]
    public async Task A_change_that_fails_leaves_no_entry()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var admin = await factory.CreateUserAsync(Roles.Admin);
        var client = factory.BearerClient(await factory.CreateTokenAsync(admin, "read,write"));
        var input = ServiceInput.From(service);
        input.Name = "Stale edit";
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{service.Slug}") { Content = JsonContent.Create(input) };
        put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{Guid.NewGuid():N}\""));

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(put)).StatusCode);

        Assert.Empty(await EntriesAsync(q => q.Where(e => e.ActorId == admin.Id && e.Action == AuditActions.EntityUpdated)));
    }

    [Fact]
    public async Task Team_create_update_delete_carry_members_in_the_snapshots()
    {
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        var admin = await factory.CreateUserAsync(Roles.Admin);
        var slug = PortalFactory.Unique("audited-team");
        var engineerActor = PortalFactory.ActorFor(engineer);
        var adminActor = PortalFactory.ActorFor(admin);

        var created = await factory.WithServiceAsync<TeamService, TeamDetails>(s => s.CreateAsync(engineerActor, new TeamInput { Slug = slug, Name = "Audited" }));
        var input = TeamInput.From(created);
        input.Description = "Now with a description";
        await factory.WithServiceAsync<TeamService, TeamDetails>(s => s.UpdateAsync(adminActor, slug, input, created.Version));
        await factory.WithServiceAsync<TeamService, int>(async s =>
        {
            await s.DeleteAsync(adminActor, slug, null);
            return 0;
        });

        var entries = await EntriesAsync(q => q.Where(e => e.EntityType == "team" && e.EntityKey == slug));
        Assert.Equal([AuditActions.EntityCreated, AuditActions.EntityUpdated, AuditActions.EntityDeleted], entries.Select(e => e.Action));
        Assert.Equal([engineer.Id, admin.Id, admin.Id], entries.Select(e => e.ActorId));
        using var after = JsonDocument.Parse(entries[0].After!);
        var lead = Assert.Single(after.RootElement.GetProperty("members").EnumerateArray());
        Assert.Equal(engineer.PersonSlug, lead.GetProperty("person").GetString());
        Assert.Equal("lead", lead.GetProperty("role").GetString());
        using var updatedAfter = JsonDocument.Parse(entries[1].After!);
        Assert.Equal("Now with a description", updatedAfter.RootElement.GetProperty("description").GetString());
        using var updatedBefore = JsonDocument.Parse(entries[1].Before!);
        Assert.Equal(JsonValueKind.Null, updatedBefore.RootElement.GetProperty("description").ValueKind);
        Assert.NotNull(entries[2].Before);
    }

    [Fact]
    public async Task User_created_is_recorded_without_the_password()
    {
        var user = await factory.CreateUserAsync(Roles.QA);

        var entry = Assert.Single(await EntriesAsync(q => q.Where(e => e.Action == AuditActions.UserCreated && e.EntityKey == user.Id)));
        Assert.Equal("user", entry.EntityType);
        Assert.Contains(user.Email, entry.Summary);
        Assert.Contains("QA", entry.Summary);
        NoSecretIn([entry], PortalFactory.Password);
    }
}
