using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using BackendPortal.Security;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class ApiTests(PortalFixture portal)
{
    private const string V1 = """
openapi: 3.0.3
info:
  title: Orders
  version: 1.0.0
  description: Orders of the shop.
  contact: { name: Orders team, email: orders@example.com }
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      summary: Get an order
      tags: [orders]
      parameters:
        - { name: id, in: path, required: true, description: Order id., schema: { type: string } }
      responses:
        '200': { description: The order. }
        '404': { description: No such order. }
  /orders:
    get:
      operationId: listOrders
      summary: List orders
      tags: [orders]
      responses:
        '200': { description: Orders. }
        '400': { description: Bad filter. }
""";

    // Version 2 drops GET /orders/{id}, the operation the consumer declares.
    private static readonly string V2 = V1.Replace("version: 1.0.0", "version: 2.0.0")
        .Replace(V1[V1.IndexOf("  /orders/{id}:", StringComparison.Ordinal)..V1.IndexOf("  /orders:", StringComparison.Ordinal)], "");

    [Fact]
    public async Task Two_versions_uploaded_in_the_browser_show_the_score_and_the_breaking_change_naming_the_consumer()
    {
        var admin = await portal.CreateUserAsync("Admin", "Ada Admin");
        var owner = await portal.GivenServiceAsync();
        var apiSlug = Unique.Slug("orders-api");
        var consumerSlug = Unique.Slug("web");
        await portal.WithServiceAsync(async services =>
        {
            await services.GetRequiredService<Features.Apis.ApiCatalogService>().CreateAsync(Actor.System, new Features.Apis.ApiInput
            {
                Slug = apiSlug,
                Name = "Orders API",
                Type = "openapi",
                Lifecycle = "production",
                Owner = owner.Owner,
            });
            return await services.GetRequiredService<Features.Services.ServiceCatalogService>().CreateAsync(Actor.System, new Features.Services.ServiceInput
            {
                Slug = consumerSlug,
                Name = "Web shop",
                Owner = owner.Owner,
                Lifecycle = "production",
                ConsumesApis = [apiSlug],
            });
        });

        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, admin);
        var api = await new ApiDetailPage(home.Page).GotoAsync(apiSlug);

        await api.UploadFileAsync("orders-v1.yaml", V1);
        await Expect(api.UploadResult).ToContainTextAsync("Stored version 1.0.0: 2 operations, score");
        await api.CloseDialogAsync();
        await Expect(api.Versions).ToHaveCountAsync(1);
        await Expect(api.Page.GetByTestId("score-chip").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{1,3}$"));

        // The consumer declares the one operation it calls, from its own page.
        var service = await new ServiceDetailPage(home.Page).GotoAsync(consumerSlug);
        var usage = await ServiceApiUsagePanel.OpenAsync(service);
        await usage.DeclareAsync(apiSlug, "orders/{id}", "GET /orders/{id}");

        await api.GotoAsync(apiSlug);
        await api.UploadPastedAsync(V2);
        await Expect(api.UploadResult).ToContainTextAsync("Stored version 2.0.0: 1 operations");
        await Expect(api.UploadResult).ToContainTextAsync("1 breaking change(s) against 1.0.0");
        await Expect(api.Dialog).ToContainTextAsync($"Hits {consumerSlug}");
        await api.CloseDialogAsync();

        await Expect(api.Versions).ToHaveCountAsync(2);
        await api.OpenTabAsync("Breaking changes");
        var removed = api.Changes.Filter(new() { HasText = "GET /orders/{id}" });
        await Expect(removed).ToContainTextAsync("breaking");
        await Expect(removed.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = consumerSlug })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(api.Page, "api-breaking-changes");
    }

    [Fact]
    public async Task The_reference_shows_its_first_rows_from_the_stored_head_then_searches_opens_and_deep_links_with_the_full_index()
    {
        var viewer = await portal.CreateUserAsync("Viewer", "Vera Viewer");
        var owner = await portal.GivenServiceAsync();
        var apiSlug = Unique.Slug("big-api");
        await portal.WithServiceAsync(async services =>
        {
            await services.GetRequiredService<Features.Apis.ApiCatalogService>().CreateAsync(Actor.System, new Features.Apis.ApiInput
            {
                Slug = apiSlug,
                Name = "Big API",
                Type = "openapi",
                Lifecycle = "production",
                Owner = owner.Owner,
            });
            var result = await services.GetRequiredService<Features.Apis.ApiSpecService>()
                .IngestAsync(Actor.System, apiSlug, Features.Apis.Spec.SampleSpecs.Generate(60), "1", dryRun: false);
            // As after a restart: the prerender has only the stored head, the circuit loads the full index.
            services.GetRequiredService<Features.Apis.ApiIndexCache>().Clear();
            return result;
        });

        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, viewer);
        var page = home.Page;
        await page.GotoAsync($"apis/{apiSlug}/reference");
        await Expect(page.Locator(".api-ref-op").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("api-reference")).ToContainTextAsync("300 operations");
        await Expect(page.GetByTestId("interactive")).ToBeAttachedAsync();

        // Search needs the full index: it finds operations far below the stored first screen.
        await page.Locator(".api-ref-nav input").FillAsync("res57/");
        await Expect(page.Locator(".api-ref-op .api-ref-path").First).ToHaveTextAsync("/res57/{id}");
        await page.Locator(".api-ref-op", new() { HasText = "/res57/{id}" }).First.ClickAsync();
        await Expect(page.GetByTestId("operation-detail")).ToContainTextAsync("/res57/{id}");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("op=getRes57"));

        // A deep link in a fresh load (prerendered from the full index) opens its operation.
        await page.GotoAsync($"apis/{apiSlug}/reference?op=listRes42");
        await Expect(page.GetByTestId("operation-detail")).ToContainTextAsync("/res42");
        await Expect(page.GetByTestId("interactive")).ToBeAttachedAsync();
        await Expect(page.GetByTestId("operation-detail")).ToContainTextAsync("Res42Page");
    }
}
