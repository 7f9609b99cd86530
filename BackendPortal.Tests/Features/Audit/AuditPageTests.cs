using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Security;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Audit;

public class AuditPageTests : PortalTestContext
{
    private async Task RecordAsync(string action, string actor, string? type = null, string? key = null)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuditService>().RecordAsync(action, "id-" + actor, actor, $"{action} by {actor}", type, key);
    }

    /// <summary>Types into a debounced field and leaves it, which commits the text at once.</summary>
    private static void Commit(IRenderedComponent<AuditPage> cut, string label, string value)
    {
        FieldOf(cut, label).QuerySelector("input")!.Input(value);
        FieldOf(cut, label).QuerySelector("input")!.Blur();
    }

    private static List<string> Summaries(IRenderedComponent<AuditPage> cut) =>
        [.. cut.FindAll("tbody tr.mud-table-row").Select(r => r.TextContent)];

    [Fact]
    public async Task Shows_entries_newest_first()
    {
        await RecordAsync(AuditActions.SignInSucceeded, "alice@example.com");
        await RecordAsync(AuditActions.SignOut, "alice@example.com");
        await SignInAsync("Ada Admin", Roles.Admin);

        var cut = Render<AuditPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, Summaries(cut).Count));
        Assert.Contains("auth.signout by alice@example.com", Summaries(cut)[0]);
        Assert.Contains("auth.signin.succeeded", Summaries(cut)[1]);
        Assert.Equal("/api/v1/audit/export.csv", cut.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task Actor_and_entity_filters_narrow_the_grid_and_the_csv_link()
    {
        await RecordAsync(AuditActions.EntityUpdated, "alice@example.com", "service", "orders-api");
        await RecordAsync(AuditActions.EntityUpdated, "bob@example.com", "service", "orders-api");
        await RecordAsync(AuditActions.EntityUpdated, "bob@example.com", "team", "payments");
        await SignInAsync("Ada Admin", Roles.Admin);
        var cut = Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.Equal(3, Summaries(cut).Count));

        Commit(cut, "Actor", "bob");
        cut.WaitForAssertion(() => Assert.Equal(2, Summaries(cut).Count));
        Commit(cut, "Entity type", "team");

        cut.WaitForAssertion(() => Assert.Single(Summaries(cut)));
        Assert.Contains("payments", Summaries(cut)[0]);
        // The page renders its link after the grid has reloaded.
        cut.WaitForAssertion(() => Assert.Equal("/api/v1/audit/export.csv?actor=bob&entityType=team", cut.Find("[data-testid=export-csv]").GetAttribute("href")));
    }

    [Fact]
    public async Task Action_filter_offers_every_known_code()
    {
        await RecordAsync(AuditActions.SignInFailed, "mallory@example.com");
        await RecordAsync(AuditActions.SignInSucceeded, "alice@example.com");
        await SignInAsync("Ada Admin", Roles.Admin);
        var cut = Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, Summaries(cut).Count));

        FieldOf(cut, "Action").QuerySelector(".mud-input")!.MouseDown();
        PopoverProvider.WaitForAssertion(() => Assert.Equal(AuditActions.All.Count, PopoverProvider.FindAll(".mud-list-item").Count));
        PopoverProvider.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == AuditActions.SignInFailed).Click();

        cut.WaitForAssertion(() => Assert.Single(Summaries(cut)));
        Assert.Contains("mallory@example.com", Summaries(cut)[0]);
        cut.WaitForAssertion(() => Assert.Contains("action=auth.signin.failed", cut.Find("[data-testid=export-csv]").GetAttribute("href")));
    }

    [Fact]
    public async Task Expanding_a_data_change_shows_before_and_after_side_by_side()
    {
        await SignInAsync("Ada Admin", Roles.Admin);
        await CreateTeamAsync("payments", "Payments");
        var service = await CreateServiceAsync("orders-api", "Orders API", "payments");
        var input = ServiceInput.From(service);
        input.Name = "Orders API v2";
        await Catalog.UpdateAsync(Actor.System, "orders-api", input, service.Version);
        var cut = Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.Contains(Summaries(cut), s => s.Contains("Updated service 'orders-api'")));

        var row = cut.FindAll("tbody tr.mud-table-row").First(r => r.TextContent.Contains("Updated service 'orders-api'"));
        row.QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=audit-diff] pre").Count));
        var panes = cut.FindAll("[data-testid=audit-diff] pre");
        Assert.Contains("\"name\": \"Orders API\"", panes[0].TextContent);
        Assert.Contains("\"name\": \"Orders API v2\"", panes[1].TextContent);
    }
}
