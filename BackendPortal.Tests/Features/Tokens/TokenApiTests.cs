using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Tokens;

/// <summary>Personal access tokens against the real app, with every log level captured.</summary>
public sealed partial class TokenApiTests(VerbosePortalFactory factory) : IClassFixture<VerbosePortalFactory>
{
    [GeneratedRegex("^bp_[A-Za-z0-9]+_[A-Za-z0-9]+$")]
    private static partial Regex Format();

    private async Task<(string Token, string Team)> EngineerTokenAsync(string scopes = "read,write")
    {
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        var team = await factory.CreateTeamAsync();
        await factory.AddMemberAsync(team.Slug, engineer);
        return (await factory.CreateTokenAsync(engineer, scopes), team.Slug);
    }

    [Fact]
    public async Task Tokens_are_base62_with_a_checksum_and_a_typo_is_refused()
    {
        var (token, _) = await EngineerTokenAsync();
        Assert.Matches(Format(), token);
        Assert.True(TokenFormat.IsWellFormed(token));
        var typo = token[..10] + (token[10] == 'a' ? 'b' : 'a') + token[11..];
        Assert.False(TokenFormat.IsWellFormed(typo));

        Assert.Equal(HttpStatusCode.OK, (await factory.BearerClient(token).GetAsync("/api/v1/services")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.BearerClient(typo).GetAsync("/api/v1/services")).StatusCode);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("bp_")]
    [InlineData("bp_abc_def")]
    [InlineData("bp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA")]
    [InlineData("bp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA' OR '1'='1")]
    public async Task Malformed_or_unknown_tokens_get_401(string token)
    {
        var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
        var response = await client.GetAsync("/api/v1/services");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_expired_token_gets_401()
    {
        var (token, _) = await EngineerTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await factory.BearerClient(token).GetAsync("/api/v1/services")).StatusCode);
        var hash = TokenFormat.Hash(token);
        await factory.WithDbAsync(db => db.ApiTokens.Where(t => t.Hash == hash)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.BearerClient(token).GetAsync("/api/v1/services")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_token_gets_401()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var created = await factory.WithServiceAsync<TokenService, CreatedToken>(s => s.CreateAsync(user.Id, "ci", ["read"], 30));
        var client = factory.BearerClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/teams")).StatusCode);

        await factory.WithServiceAsync<TokenService, bool>(async s =>
        {
            await s.RevokeAsync(user.Id, created.Id);
            return true;
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/teams")).StatusCode);
        var listed = Assert.Single(await factory.WithServiceAsync<TokenService, IReadOnlyList<TokenSummary>>(s => s.ListAsync(user.Id)));
        Assert.NotNull(listed.RevokedAt);
        Assert.NotNull(listed.LastUsedAt);
    }

    [Fact]
    public async Task A_role_change_or_disabling_the_user_counts_on_the_very_next_request()
    {
        var qa = await factory.CreateUserAsync(Roles.QA);
        var client = factory.BearerClient(await factory.CreateTokenAsync(qa, "read,ingest"));
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var budget = () => client.PutAsJsonAsync($"/api/v1/services/{service.Slug}/load-test-budget", new { p95Ms = 300 });
        // Twice, so the second request is served from the cached claims.
        Assert.Equal(HttpStatusCode.OK, (await budget()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await budget()).StatusCode);

        await factory.WithServiceAsync<Users.UserAdminService, Users.UserSummary>(s => s.SetRolesAsync(Security.Actor.System, qa.Email, [Roles.Viewer]));
        Assert.Equal(HttpStatusCode.Forbidden, (await budget()).StatusCode);

        await factory.WithServiceAsync<Users.UserAdminService, Users.UserSummary>(s => s.SetRolesAsync(Security.Actor.System, qa.Email, [Roles.QA]));
        Assert.Equal(HttpStatusCode.OK, (await budget()).StatusCode);
        await factory.WithServiceAsync<Users.UserAdminService, Users.UserSummary>(s => s.SetDisabledAsync(Security.Actor.System, qa.Email, true));
        Assert.Equal(HttpStatusCode.Unauthorized, (await budget()).StatusCode);
    }

    [Fact]
    public async Task A_read_only_token_gets_403_on_writes()
    {
        var (token, team) = await EngineerTokenAsync("read");
        var client = factory.BearerClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/services")).StatusCode);
        var response = await client.PostAsJsonAsync("/api/v1/services", PortalFactory.NewServiceInput(team));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_write_token_cannot_read_without_the_read_scope()
    {
        var (token, _) = await EngineerTokenAsync("write");
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.BearerClient(token).GetAsync("/api/v1/services")).StatusCode);
    }

    [Fact]
    public async Task A_viewers_write_token_still_cannot_write()
    {
        var viewer = await factory.CreateUserAsync(Roles.Viewer);
        var team = await factory.CreateTeamAsync();
        await factory.AddMemberAsync(team.Slug, viewer);
        var client = factory.BearerClient(await factory.CreateTokenAsync(viewer, "read,write,admin"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/services", PortalFactory.NewServiceInput(team.Slug))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/teams", new Teams.TeamInput { Slug = PortalFactory.Unique("t"), Name = "T" })).StatusCode);
    }

    [Fact]
    public async Task Token_creation_validates_scopes_and_expiry()
    {
        var user = await factory.CreateUserAsync(Roles.Engineer);
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            factory.WithServiceAsync<TokenService, CreatedToken>(s => s.CreateAsync(user.Id, "x", ["read", "root"], 400)));
        Assert.Contains("'root' is not a scope", string.Join(" ", error.Errors["scopes"]));
        Assert.Contains("1 to 365 days", string.Join(" ", error.Errors["expiresDays"]));
    }

    [Fact]
    public async Task No_plaintext_token_is_stored_anywhere_in_the_database_or_written_to_the_logs()
    {
        var (token, team) = await EngineerTokenAsync();
        var client = factory.BearerClient(token);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/services", PortalFactory.NewServiceInput(team))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/services")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/services/missing")).StatusCode);
        var secret = token[3..33];

        var cells = 0;
        var sawHash = false;
        await using (var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }
            Assert.Contains("ApiTokens", tables);
            foreach (var table in tables)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var value = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                        {
                            string s => s,
                            byte[] b => System.Text.Encoding.UTF8.GetString(b),
                            _ => null,
                        };
                        if (value is null)
                        {
                            continue;
                        }
                        cells++;
                        sawHash |= value == TokenFormat.Hash(token);
                        Assert.False(value.Contains(secret, StringComparison.Ordinal), $"{table} column {reader.GetName(i)} holds the token");
                    }
                }
            }
        }
        Assert.True(sawHash, "the scan did not reach the token's hash; it is not looking at the app's database");
        Assert.True(cells > 50);

        var logs = factory.Logs.AllText;
        Assert.Contains("Bearer was successfully authenticated", logs);
        Assert.DoesNotContain(secret, logs);
    }
}
