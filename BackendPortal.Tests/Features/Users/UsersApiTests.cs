using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Users;

public sealed class UsersApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<(HttpClient Client, UserAccount Admin)> AdminClientAsync()
    {
        var admin = await factory.CreateUserAsync(Roles.Admin);
        return (factory.BearerClient(await factory.CreateTokenAsync(admin, "read,admin")), admin);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string email, object body) =>
        client.PatchAsJsonAsync($"/api/v1/users/{Uri.EscapeDataString(email)}", body);

    [Fact]
    public async Task The_list_has_the_api_list_shape_and_pages_with_the_cursor()
    {
        var (client, _) = await AdminClientAsync();
        var tag = PortalFactory.Unique("apilist");
        for (var i = 0; i < 3; i++)
        {
            await factory.CreateAccountAsync($"{tag}-{i}@example.com", PortalFactory.Password, Roles.Viewer);
        }

        var first = await client.GetAsync($"/api/v1/users?q={tag}&limit=2");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var page = await JsonAsync(first);
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        var item = items[0];
        Assert.Equal($"{tag}-0@example.com", item.GetProperty("email").GetString());
        Assert.Equal(Roles.Viewer, Assert.Single(item.GetProperty("roles").EnumerateArray()).GetString());
        foreach (var field in new[] { "displayName", "lastSignInAt", "twoFactorEnabled", "locked", "disabled" })
        {
            Assert.True(item.TryGetProperty(field, out _), field);
        }

        var cursor = page.GetProperty("nextCursor").GetString();
        var second = await JsonAsync(await client.GetAsync($"/api/v1/users?q={tag}&limit=2&cursor={cursor}"));
        Assert.Equal($"{tag}-2@example.com", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/users?limit=500")).StatusCode);
    }

    [Fact]
    public async Task Patch_changes_each_field_and_answers_with_the_user()
    {
        var (client, _) = await AdminClientAsync();
        var user = await factory.CreateUserAsync(Roles.Viewer);

        var disabled = await PatchAsync(client, user.Email, new { disabled = true });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.True((await JsonAsync(disabled)).GetProperty("disabled").GetBoolean());

        var locked = await JsonAsync(await PatchAsync(client, user.Email, new { locked = true, disabled = false }));
        Assert.True(locked.GetProperty("locked").GetBoolean());
        Assert.False(locked.GetProperty("disabled").GetBoolean());

        var roles = await JsonAsync(await PatchAsync(client, user.Email, new { roles = new[] { "engineer", "QA" }, locked = false }));
        Assert.Equal(["Engineer", "QA"], roles.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(roles.GetProperty("locked").GetBoolean());
    }

    [Fact]
    public async Task Patch_answers_404_for_an_unknown_email_400_for_an_unknown_role_and_409_for_dropping_your_own_admin_role()
    {
        var (client, admin) = await AdminClientAsync();
        var user = await factory.CreateUserAsync(Roles.Viewer);

        var missing = await PatchAsync(client, "nobody@example.com", new { disabled = true });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        var badRole = await PatchAsync(client, user.Email, new { roles = new[] { "Wizard" } });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Contains("Wizard", await badRole.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, (await PatchAsync(client, user.Email, new { })).StatusCode);

        var own = await PatchAsync(client, admin.Email, new { roles = new[] { "Viewer" } });
        Assert.Equal(HttpStatusCode.Conflict, own.StatusCode);
        Assert.Equal("application/problem+json", own.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Non_admins_get_403_and_so_does_an_admin_token_without_the_admin_scope()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        var admin = await factory.CreateUserAsync(Roles.Admin);
        var engineerToken = factory.BearerClient(await factory.CreateTokenAsync(engineer, "read,write,admin"));
        var narrowAdmin = factory.BearerClient(await factory.CreateTokenAsync(admin, "read,write"));
        var engineerCookie = await factory.SignInAsync(engineer);

        foreach (var client in new[] { engineerToken, narrowAdmin, engineerCookie })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await PatchAsync(client, user.Email, new { disabled = true })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.AnonymousClient().GetAsync("/api/v1/users")).StatusCode);
    }

    [Fact]
    public async Task Post_creates_a_user_with_a_one_time_set_password_url()
    {
        var (client, _) = await AdminClientAsync();
        var email = PortalFactory.Unique("onboard") + "@example.com";

        var response = await client.PostAsJsonAsync("/api/v1/users", new { email, displayName = "On Board", roles = new[] { "Engineer" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(email, body.GetProperty("user").GetProperty("email").GetString());
        var url = new Uri(body.GetProperty("setPasswordUrl").GetString()!);
        Assert.True(url.IsAbsoluteUri);
        Assert.Equal("/Account/SetInitialPassword", url.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/users/{Uri.EscapeDataString(email)}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/users", new { email = "not-an-email", roles = new[] { "Viewer" } })).StatusCode);
    }

    [Fact]
    public async Task The_user_created_entry_names_the_admin_who_created_the_user()
    {
        var (client, admin) = await AdminClientAsync();
        var email = PortalFactory.Unique("audited") + "@example.com";

        var response = await client.PostAsJsonAsync("/api/v1/users", new { email, roles = new[] { "Viewer" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var entry = await factory.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .SingleAsync(e => e.Action == Features.Audit.AuditActions.UserCreated && e.Summary!.Contains(email)));
        Assert.Equal(admin.Id, entry.ActorId);
        Assert.Equal(admin.Email, entry.ActorName);
    }
}
