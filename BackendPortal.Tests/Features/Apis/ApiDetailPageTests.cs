using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Apis;

/// <summary>The per-version delete button on the API page: who sees it, the confirmation, and the call it makes.</summary>
public class ApiDetailPageTests : PortalTestContext
{
    private ApiSpecService Specs => Services.GetRequiredService<ApiSpecService>();

    /// <summary>Team "shop" owns the API "orders" with versions 1.0.0 and 2.0.0.</summary>
    private async Task SeedAsync()
    {
        await CreateTeamAsync("shop", "Shop");
        await Services.GetRequiredService<ApiCatalogService>().CreateAsync(Actor.System, ApiTestData.NewInput("shop", "orders"));
        await Specs.IngestAsync(Actor.System, "orders", SpecFixtures.Perfect, "1.0.0", dryRun: false);
        await Specs.IngestAsync(Actor.System, "orders", SpecFixtures.Perfect, "2.0.0", dryRun: false);
    }

    private IRenderedComponent<ApiDetailPage> RenderPage() => Render<ApiDetailPage>(p => p.Add(x => x.Slug, "orders"));

    private void ClickDialogButton(string text) =>
        DialogProvider.FindAll("button").Last(b => b.TextContent.Trim() == text).Click();

    [Fact]
    public async Task Owner_team_engineer_deletes_a_version_only_after_confirming()
    {
        await SeedAsync();
        await SignInAsync("Erin Engineer", Roles.Engineer, "shop");
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=delete-version]").Count));

        // Cancelling the confirmation deletes nothing.
        cut.Find("button[aria-label='Delete version 1.0.0']").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("Delete version '1.0.0' of 'Orders API'?", DialogProvider.Markup));
        ClickDialogButton("Cancel");
        DialogProvider.WaitForAssertion(() => Assert.DoesNotContain("Delete version '1.0.0'", DialogProvider.Markup));
        Assert.Equal(["2.0.0", "1.0.0"], (await Specs.VersionsAsync("orders")).Select(v => v.Version));

        cut.Find("button[aria-label='Delete version 1.0.0']").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("Delete version '1.0.0' of 'Orders API'?", DialogProvider.Markup));
        ClickDialogButton("Delete");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=delete-version]")));
        Assert.NotNull(cut.Find("button[aria-label='Delete version 2.0.0']"));
        Assert.Equal(["2.0.0"], (await Specs.VersionsAsync("orders")).Select(v => v.Version));
        await using var db = await DbAsync();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityType == "api-version" && a.EntityKey == "orders@1.0.0" && a.Action == Audit.AuditActions.EntityDeleted));
    }

    [Fact]
    public async Task An_admin_outside_the_owner_team_sees_the_delete_buttons()
    {
        await SeedAsync();
        await SignInAsync("Ada Admin", Roles.Admin);
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=delete-version]").Count));
    }

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.Engineer)]
    public async Task Viewers_and_engineers_of_other_teams_see_the_versions_without_delete_buttons(string role)
    {
        await SeedAsync();
        await CreateTeamAsync("other", "Other");
        await SignInAsync("Vic Reader", role, "other");
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Contains("2.0.0", cut.Find("[data-testid=versions-table]").TextContent));
        Assert.Contains("1.0.0", cut.Find("[data-testid=versions-table]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=delete-version]"));
        Assert.Empty(cut.FindAll("button[aria-label^='Delete version']"));
    }
}
