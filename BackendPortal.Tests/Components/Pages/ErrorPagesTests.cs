using System.Net;
using BackendPortal.Data;
using BackendPortal.Infrastructure;

namespace BackendPortal.Components.Pages;

public sealed class ErrorPagesTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task An_unknown_page_shows_the_portals_not_found_page_with_404()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.SignInAsync(user);

        var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_api_path_is_problem_details_not_html()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.SignInAsync(user);

        var response = await client.GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
