using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using BackendPortal.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using DatabaseCatalogService = BackendPortal.Features.Databases.DatabaseCatalogService;
using DatabaseInput = BackendPortal.Features.Databases.DatabaseInput;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class DatabaseTests(PortalFixture portal)
{
    [Fact]
    public async Task Migrations_posted_by_ci_show_on_the_database_page_with_the_environment_that_is_behind()
    {
        var service = await portal.GivenServiceAsync();
        var slug = Unique.Slug("db");
        await portal.WithServiceAsync(services => services.GetRequiredService<DatabaseCatalogService>().CreateAsync(Actor.System, new DatabaseInput
        {
            Slug = slug,
            Name = $"Database {slug}",
            Owner = service.Owner,
            Engine = "postgresql",
            Environment = "production",
            Host = "orders-db.internal:5432",
        }));
        var ci = await portal.CreateUserAsync("QA", "Cid Pipeline");
        await using var context = await portal.NewContextAsync();
        var page = (await LoginPage.SignInAsync(context, ci)).Page;

        // CI posts with the browser's session here; tokens take the same route (see the API tests).
        foreach (var (id, environment) in new[] { ("001_create_orders", "staging"), ("002_add_index", "staging"), ("001_create_orders", "production") })
        {
            var response = await context.APIRequest.PostAsync($"api/v1/databases/{slug}/migrations", new APIRequestContextOptions
            {
                DataObject = new { id, environment, description = "from CI", appliedBy = "pipeline" },
            });
            Assert.Equal(201, response.Status);
        }

        var list = await new DatabasesPage(page).GotoAsync($"q={slug}");
        await Expect(list.DatabaseLink($"Database {slug}")).ToBeVisibleAsync();
        await list.DatabaseLink($"Database {slug}").ClickAsync();

        var detail = new DatabaseDetailPage(page);
        await Expect(detail.Heading).ToHaveTextAsync($"Database {slug}");
        await detail.OpenTabAsync("Migrations");
        await Expect(detail.Ledger("staging")).ToContainTextAsync("002_add_index");
        await Expect(detail.Behind("production")).ToContainTextAsync("002_add_index");
        await Expect(detail.Behind("staging")).ToHaveCountAsync(0);
    }
}
