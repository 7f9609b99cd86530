using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Teams;

public sealed class TeamServiceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private TeamService Teams => factory.Services.CreateScope().ServiceProvider.GetRequiredService<TeamService>();

    [Fact]
    public async Task The_engineer_who_creates_a_team_leads_it()
    {
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        var slug = PortalFactory.Unique("Platform");
        var team = await Teams.CreateAsync(PortalFactory.ActorFor(engineer), new TeamInput { Slug = slug, Name = "Platform" });

        var member = Assert.Single(team.Members);
        Assert.Equal(engineer.PersonSlug, member.Person);
        Assert.Equal("lead", member.Role);
        Assert.True(await Teams.CanEditAsync(PortalFactory.ActorFor(engineer), slug));
        await Assert.ThrowsAsync<ConflictException>(() =>
            Teams.CreateAsync(PortalFactory.ActorFor(engineer), new TeamInput { Slug = slug.ToUpperInvariant(), Name = "Again" }));

        var viewer = await factory.CreateUserAsync(Roles.Viewer);
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            Teams.CreateAsync(PortalFactory.ActorFor(viewer), new TeamInput { Slug = PortalFactory.Unique("t"), Name = "No" }));
    }

    [Fact]
    public async Task Only_a_lead_or_an_admin_changes_a_team()
    {
        var lead = await factory.CreateUserAsync(Roles.Engineer);
        var member = await factory.CreateUserAsync(Roles.Engineer);
        var admin = await factory.CreateUserAsync(Roles.Admin);
        var team = await Teams.CreateAsync(PortalFactory.ActorFor(lead), new TeamInput { Slug = PortalFactory.Unique("core"), Name = "Core" });
        await factory.AddMemberAsync(team.Slug, member);
        team = await Teams.GetAsync(team.Slug);

        var input = TeamInput.From(team);
        input.Name = "Core by a member";
        await Assert.ThrowsAsync<ForbiddenException>(() => Teams.UpdateAsync(PortalFactory.ActorFor(member), team.Slug, input, team.Version));

        input.Name = "Core by the lead";
        team = await Teams.UpdateAsync(PortalFactory.ActorFor(lead), team.Slug, input, team.Version);
        Assert.Equal("Core by the lead", team.Name);
        Assert.Equal(2, team.Members.Count);

        input = TeamInput.From(team);
        input.Members = [.. input.Members!, new TeamMemberInput { Person = "nobody-here", Role = "member" }];
        var invalid = await Assert.ThrowsAsync<ValidationFailedException>(() => Teams.UpdateAsync(PortalFactory.ActorFor(admin), team.Slug, input, team.Version));
        Assert.Contains("There is no person 'nobody-here'.", invalid.Errors["members"]);

        input = TeamInput.From(team);
        input.Name = "Core by an admin";
        var stale = team.Version;
        team = await Teams.UpdateAsync(PortalFactory.ActorFor(admin), team.Slug, input, team.Version);
        Assert.Equal("Core by an admin", team.Name);
        var conflict = await Assert.ThrowsAsync<Data.ConcurrencyConflictException>(() => Teams.UpdateAsync(PortalFactory.ActorFor(lead), team.Slug, input, stale));
        Assert.Equal(admin.Email, conflict.ChangedBy);
    }

    [Fact]
    public async Task Only_admins_delete_and_never_a_team_that_owns_services()
    {
        var lead = await factory.CreateUserAsync(Roles.Engineer);
        var admin = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Admin));
        var team = await Teams.CreateAsync(PortalFactory.ActorFor(lead), new TeamInput { Slug = PortalFactory.Unique("owner"), Name = "Owner" });
        var service = await factory.CreateServiceAsync(team.Slug);

        await Assert.ThrowsAsync<ForbiddenException>(() => Teams.DeleteAsync(PortalFactory.ActorFor(lead), team.Slug, null));
        var refused = await Assert.ThrowsAsync<ConflictException>(() => Teams.DeleteAsync(admin, team.Slug, null));
        Assert.Contains("1 service", refused.Message);
        Assert.Equal(1, (await Teams.GetAsync(team.Slug)).ServiceCount);

        await factory.WithServiceAsync<Services.ServiceCatalogService, bool>(async s =>
        {
            await s.DeleteAsync(admin, service.Slug, null);
            return true;
        });
        await Teams.DeleteAsync(admin, team.Slug, null);
        await Assert.ThrowsAsync<NotFoundException>(() => Teams.GetAsync(team.Slug));
    }
}
