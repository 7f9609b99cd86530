using System.Net;
using BackendPortal.Data;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Apis;

public sealed class ApiVersionDeleteTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    /// <summary>POST /orders becomes PUT /orders: against the fixture one operation is removed and one added.</summary>
    private static readonly string PostBecomesPut = SpecFixtures.Perfect.Replace("  /orders:\n    post:", "  /orders:\n    put:");

    [Fact]
    public async Task Deleting_a_middle_version_rediffs_the_next_one_against_the_one_before_and_is_audited()
    {
        var team = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, engineer);
        var client = factory.BearerClient(await factory.CreateTokenAsync(engineer));
        var api = await factory.CreateApiAsync(team.Slug);
        await factory.UploadAsync(api.Slug, SpecFixtures.Perfect, "1");
        await factory.UploadAsync(api.Slug, PostBecomesPut, "2");
        await factory.UploadAsync(api.Slug, SpecFixtures.Perfect, "3");

        var response = await client.DeleteAsync($"/api/v1/apis/{api.Slug}/versions/2");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var versions = await factory.WithServiceAsync<ApiSpecService, IReadOnlyList<ApiVersionSummary>>(s => s.VersionsAsync(api.Slug));
        Assert.Equal(["3", "1"], versions.Select(v => v.Version));
        // 3 was compared with 2 (POST /orders came back); against 1 nothing changed.
        Assert.Equal(0, versions[0].BreakingChanges);
        var diff = await factory.WithServiceAsync<ApiSpecService, ApiDiffReport>(s => s.DiffAsync(api.Slug, "1", "3"));
        Assert.Empty(diff.Changes);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/apis/{api.Slug}/versions/2/score")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/apis/{api.Slug}/versions/2")).StatusCode);

        await using var scope = factory.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityType == "api-version" && a.EntityKey == $"{api.Slug}@2" && a.Action == "entity.deleted"));
    }

    [Fact]
    public async Task Engineers_of_another_team_cannot_delete_a_version()
    {
        var team = await factory.CreateTeamAsync();
        var api = await factory.SeedApiAsync(team.Slug);
        var other = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync((await factory.CreateTeamAsync()).Slug, other);
        var client = factory.BearerClient(await factory.CreateTokenAsync(other));

        var response = await client.DeleteAsync($"/api/v1/apis/{api}/versions/1.0.0");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Single(await factory.WithServiceAsync<ApiSpecService, IReadOnlyList<ApiVersionSummary>>(s => s.VersionsAsync(api)));
    }
}
