using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Security;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.E2E.Fixtures;

/// <summary>
/// Puts a team and a service in place through the app's own services, for tests whose subject is
/// not creating them (creating them through the UI has its own test).
/// </summary>
public static class Catalog
{
    public static Task<ServiceDetails> GivenServiceAsync(this PortalFixture portal, params PortalUser[] members) =>
        portal.WithServiceAsync(async services =>
        {
            var teamSlug = Unique.Slug("team");
            await services.GetRequiredService<TeamService>().CreateAsync(Actor.System, new TeamInput
            {
                Slug = teamSlug,
                Name = $"Team {teamSlug}",
                Members = [.. members.Select(m => new TeamMemberInput { Person = m.PersonSlug, Role = "member" })],
            });
            var serviceSlug = Unique.Slug("svc");
            return await services.GetRequiredService<ServiceCatalogService>().CreateAsync(Actor.System, new ServiceInput
            {
                Slug = serviceSlug,
                Name = $"Service {serviceSlug}",
                Owner = teamSlug,
                Lifecycle = "production",
                Description = "Made by the browser tests.",
            });
        });
}
