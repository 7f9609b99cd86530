using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Services;

public class ServiceFormTests : PortalTestContext
{
    [Fact]
    public async Task Bad_slug_missing_name_and_bad_url_show_messages_next_to_their_fields_and_save_nothing()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<ServiceForm>();
        cut.WaitForAssertion(() => FieldOf(cut, "Slug"));

        Type(cut, "Slug", "-orders--api");
        Type(cut, "Repository URL", "ftp://git.example.com/orders");
        Type(cut, "Runbook URL", "not a url");
        Button(cut, "Save").Click();

        cut.WaitForAssertion(() => Assert.Contains(Slug.RuleText, ErrorOf(cut, "Slug")));
        Assert.Equal("Name is required.", ErrorOf(cut, "Name"));
        Assert.Contains("http:// or https://", ErrorOf(cut, "Repository URL"));
        Assert.Contains("http:// or https://", ErrorOf(cut, "Runbook URL"));
        Assert.Null(ErrorOf(cut, "Owner team"));
        Assert.Null(ErrorOf(cut, "Framework"));
        Assert.Equal(0, (await Catalog.QueryAsync(new ServiceFilter(), ServiceSort.Name, false, 0, 10)).Total);
    }

    [Fact]
    public async Task Valid_input_creates_the_service_and_reports_it_saved()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        ServiceDetails? saved = null;
        var cut = Render<ServiceForm>(p => p.Add(f => f.OnSaved, s => saved = s));
        cut.WaitForAssertion(() => FieldOf(cut, "Slug"));

        Type(cut, "Slug", "orders-api");
        Type(cut, "Name", "Orders API");
        Type(cut, "Languages", "csharp, Go");
        Type(cut, "Tags", "Payments, pci");
        Type(cut, "Repository URL", "https://git.example.com/orders");
        Button(cut, "Save").Click();

        cut.WaitForAssertion(() => Assert.NotNull(saved));
        var stored = await Catalog.GetAsync("orders-api");
        Assert.Equal("payments", stored.Owner);
        Assert.Equal(["C#", "Go"], stored.Languages);
        Assert.Equal(["payments", "pci"], stored.Tags);
        Assert.Equal(3, stored.Tier);
    }

    [Fact]
    public async Task Server_validation_errors_appear_next_to_the_matching_field()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<ServiceForm>();
        cut.WaitForAssertion(() => Assert.Contains("Payments", FieldOf(cut, "Owner team").TextContent));
        Type(cut, "Slug", "orders-api");
        Type(cut, "Name", "Orders API");
        // The team disappears after the form listed it: only the server can notice.
        await using (var db = await DbAsync())
        {
            await db.Teams.Where(t => t.SlugKey == "payments").ExecuteDeleteAsync();
        }

        Button(cut, "Save").Click();

        cut.WaitForAssertion(() => Assert.Contains("There is no team 'payments'", ErrorOf(cut, "Owner team")));
        Assert.Null(ErrorOf(cut, "Slug"));
    }

    [Fact]
    public async Task A_concurrent_change_shows_who_changed_it_with_reload_and_overwrite()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<ServiceForm>(p => p.Add(f => f.Slug, "orders-api"));
        cut.WaitForAssertion(() => Assert.Equal("Orders API", FieldOf(cut, "Name").QuerySelector("input")!.GetAttribute("value")));

        await ChangeAsBobAsync("Orders (Bob)");
        Type(cut, "Name", "Orders (Alice)");
        Button(cut, "Save").Click();

        var alert = cut.WaitForElement("[data-testid=conflict-alert]");
        Assert.Contains("was changed by bob at", alert.TextContent);
        Assert.True(HasButton(cut, "Reload"));
        Assert.True(HasButton(cut, "Overwrite"));
        Assert.Equal("Orders (Bob)", (await Catalog.GetAsync("orders-api")).Name);

        Button(cut, "Overwrite").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=conflict-alert]")));
        var stored = await Catalog.GetAsync("orders-api");
        Assert.Equal("Orders (Alice)", stored.Name);
        Assert.Equal("Alice Admin", stored.UpdatedBy);
    }

    [Fact]
    public async Task Reload_after_a_conflict_shows_the_saved_values_and_keeps_them()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<ServiceForm>(p => p.Add(f => f.Slug, "orders-api"));
        cut.WaitForAssertion(() => FieldOf(cut, "Name"));
        await ChangeAsBobAsync("Orders (Bob)");
        Type(cut, "Name", "Orders (Alice)");
        Button(cut, "Save").Click();
        cut.WaitForElement("[data-testid=conflict-alert]");

        Button(cut, "Reload").Click();

        cut.WaitForAssertion(() => Assert.Equal("Orders (Bob)", FieldOf(cut, "Name").QuerySelector("input")!.GetAttribute("value")));
        Assert.Empty(cut.FindAll("[data-testid=conflict-alert]"));
        Assert.Equal("Orders (Bob)", (await Catalog.GetAsync("orders-api")).Name);

        // After reloading, a save goes through with the fresh version.
        Type(cut, "Name", "Orders (Alice again)");
        Button(cut, "Save").Click();
        cut.WaitForAssertion(() => Assert.Equal("Orders (Alice again)", Catalog.GetAsync("orders-api").GetAwaiter().GetResult().Name));
    }

    [Fact]
    public async Task An_engineer_outside_the_owner_team_is_told_they_cannot_edit_and_gets_no_form()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateTeamAsync("search", "Search");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Sam Search", Roles.Engineer, "search");

        var cut = Render<ServiceForm>(p => p.Add(f => f.Slug, "orders-api"));

        cut.WaitForAssertion(() => Assert.Contains("You can't edit this service", cut.Find("[data-testid=cannot-edit]").TextContent));
        Assert.Empty(cut.FindAll("input"));
        Assert.False(HasButton(cut, "Save"));
    }

    [Fact]
    public async Task Engineers_can_only_pick_their_own_teams_as_owner()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateTeamAsync("search", "Search");
        await SignInAsync("Sam Search", Roles.Engineer, "search");

        var cut = Render<ServiceForm>();
        cut.WaitForAssertion(() => FieldOf(cut, "Owner team"));
        FieldOf(cut, "Owner team").QuerySelector(".mud-input")!.MouseDown();

        PopoverProvider.WaitForAssertion(() => Assert.Contains("Search (search)", PopoverProvider.Markup));
        Assert.DoesNotContain("Payments (payments)", PopoverProvider.Markup);
    }

    private async Task ChangeAsBobAsync(string name)
    {
        var bob = new Actor("bob-id", "bob", new HashSet<string> { Roles.Admin }, null);
        var current = await Catalog.GetAsync("orders-api");
        var input = ServiceInput.From(current);
        input.Name = name;
        await Catalog.UpdateAsync(bob, "orders-api", input, current.Version);
    }
}
