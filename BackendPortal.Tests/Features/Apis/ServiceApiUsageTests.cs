using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Apis;

public class ServiceApiUsageTests : PortalTestContext
{
    private ApiSpecService Specs => Services.GetRequiredService<ApiSpecService>();

    /// <summary>Team "shop" owns the service "web" and the API "orders"; web consumes orders, which has one version.</summary>
    private async Task SeedAsync(bool withVersion = true, params string[] declared)
    {
        await CreateTeamAsync("shop", "Shop");
        await CreateServiceAsync("web", "Web", "shop");
        await Services.GetRequiredService<ApiCatalogService>().CreateAsync(Actor.System, ApiTestData.NewInput("shop", "orders"));
        if (withVersion)
        {
            await Specs.IngestAsync(Actor.System, "orders", SpecFixtures.Perfect, "1.0.0", dryRun: false);
        }
        await Specs.SetUsageAsync(Actor.System, "web", [new ApiUsageInput("orders", [.. declared])]);
    }

    private IRenderedComponent<ServiceApiUsage> RenderPanel() => Render<ServiceApiUsage>(p => p.Add(x => x.ServiceSlug, "web"));

    [Fact]
    public async Task Owner_team_engineer_searches_picks_an_operation_and_saves_through_the_usage_service()
    {
        await SeedAsync();
        await SignInAsync("Erin Engineer", Roles.Engineer, "shop");
        var cut = RenderPanel();
        cut.WaitForAssertion(() => Assert.Contains("No operations declared", cut.Find("[data-testid=no-operations]").TextContent));

        cut.Find("[data-testid=choose-operations]").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=operation-option]").Count));
        cut.Find("[data-testid=operation-search] input").Input("post");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=operation-option]")));
        Assert.Contains("POST /orders", cut.Find("[data-testid=operation-option]").TextContent);
        cut.Find("[data-testid=operation-option] input[type=checkbox]").Change(true);
        cut.WaitForAssertion(() => Assert.Contains("1 selected", cut.Find("[data-testid=selected-count]").TextContent));
        cut.Find("[data-testid=save-usage]").Click();

        cut.WaitForAssertion(() => Assert.Contains("POST /orders", cut.Find("[data-testid=declared-operations]").TextContent));
        var usage = Assert.Single(await Specs.UsageAsync("web"));
        Assert.Equal(["POST /orders"], usage.Operations);
        await using var db = await DbAsync();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityType == "service-api-usage" && a.EntityKey == "web"));
    }

    [Fact]
    public async Task Search_with_no_match_says_so()
    {
        await SeedAsync();
        await SignInAsync("Erin Engineer", Roles.Engineer, "shop");
        var cut = RenderPanel();
        cut.WaitForAssertion(() => cut.Find("[data-testid=choose-operations]").Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=operation-search] input").Input("zzz"));
        cut.WaitForAssertion(() => Assert.Contains("No operation matches 'zzz'", cut.Find("[data-testid=no-matches]").TextContent));
    }

    [Fact]
    public async Task Viewers_see_the_declared_operations_read_only()
    {
        await SeedAsync(true, "GET /orders/{id}");
        await SignInAsync("Vera Viewer", Roles.Viewer);
        var cut = RenderPanel();
        cut.WaitForAssertion(() => Assert.Contains("GET /orders/{id}", cut.Find("[data-testid=declared-operations]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=choose-operations]"));
    }

    [Fact]
    public async Task Engineers_of_another_team_cannot_edit()
    {
        await SeedAsync();
        await CreateTeamAsync("other", "Other");
        await SignInAsync("Otto Other", Roles.Engineer, "other");
        var cut = RenderPanel();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=no-operations]")));
        Assert.Empty(cut.FindAll("[data-testid=choose-operations]"));
    }

    [Fact]
    public async Task An_api_without_a_version_shows_an_empty_state_and_nothing_to_pick()
    {
        await SeedAsync(withVersion: false);
        await SignInAsync("Erin Engineer", Roles.Engineer, "shop");
        var cut = RenderPanel();
        cut.WaitForAssertion(() => Assert.Contains("no spec version yet", cut.Find("[data-testid=no-version]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=choose-operations]"));
    }

    [Fact]
    public async Task A_service_consuming_nothing_shows_an_empty_state()
    {
        await CreateTeamAsync("shop", "Shop");
        await CreateServiceAsync("web", "Web", "shop");
        await SignInAsync("Erin Engineer", Roles.Engineer, "shop");
        var cut = RenderPanel();
        cut.WaitForAssertion(() => Assert.Contains("No API consumed", cut.Find("[data-testid=empty-state]").TextContent));
    }

    [Fact]
    public async Task Declarations_by_operationId_are_checked_and_ones_missing_from_the_latest_version_are_kept()
    {
        await SeedAsync(true, "getOrder", "DELETE /orders/{id}");
        await SignInAsync("Erin Engineer", Roles.Engineer, "shop");
        var cut = RenderPanel();
        cut.WaitForAssertion(() => cut.Find("[data-testid=choose-operations]").Click());
        cut.WaitForAssertion(() => Assert.Contains("DELETE /orders/{id}", cut.Find("[data-testid=missing-operations]").TextContent));
        Assert.Contains("2 selected", cut.Find("[data-testid=selected-count]").TextContent);
        var get = cut.FindAll("[data-testid=operation-option]").Single(o => o.TextContent.Contains("GET /orders/{id}"));
        Assert.True(get.QuerySelector("input[type=checkbox]")!.HasAttribute("checked"));

        cut.Find("[data-testid=save-usage]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=declared-operations]")));
        Assert.Equal(["GET /orders/{id}", "DELETE /orders/{id}"], Assert.Single(await Specs.UsageAsync("web")).Operations);
    }

    [Fact]
    public async Task A_refused_save_shows_the_validation_message_and_changes_nothing()
    {
        await SeedAsync();
        var tooLong = "GET /" + new string('x', 600);
        await using (var db = await DbAsync())
        {
            var row = await db.ApiUsages.SingleAsync();
            row.Operations = [tooLong];
            await db.SaveChangesAsync();
        }
        await SignInAsync("Erin Engineer", Roles.Engineer, "shop");
        var cut = RenderPanel();
        cut.WaitForAssertion(() => cut.Find("[data-testid=choose-operations]").Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=save-usage]").Click());

        cut.WaitForAssertion(() => Assert.Contains("at most 500 characters", cut.Find("[data-testid=usage-error]").TextContent));
        Assert.Equal([tooLong], Assert.Single(await Specs.UsageAsync("web")).Operations);
        Assert.NotNull(cut.Find("[data-testid=operation-picker]"));
    }

    [Fact]
    public void Usage_keys_match_declarations_with_renamed_path_parameters() =>
        Assert.Equal(ApiSpecService.UsageKey("get /orders/{orderId}"), ApiSpecService.UsageKey(new SpecOperation { Method = "GET", Path = "/orders/{id}" }.Key));
}
