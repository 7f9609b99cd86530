using BackendPortal.Components;
using BackendPortal.Data;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Catalog;

public class ImportPageTests : PortalTestContext
{
    // The import runs off the render thread against a real SQLite file; on a busy machine that takes a moment.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private const string Component = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: orders
        spec:
          type: service
          lifecycle: production
          owner: payments
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata:
          name: elsewhere
        spec:
          target: ./other.yaml
        """;

    [Fact]
    public async Task Preview_lists_each_document_then_import_writes_and_reports()
    {
        await CreateTeamAsync("payments", "Payments");
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<ImportPage>();
        Assert.True(Button(cut, "Import").HasAttribute("disabled"));

        Type(cut, "Catalog YAML", Component);
        Button(cut, "Preview").Click();

        cut.WaitForAssertion(() => Assert.Contains("Preview: 1 to create, 0 to update, 0 unchanged, 1 skipped", cut.Find("[data-testid=import-result]").TextContent), Wait);
        var rows = cut.FindAll("table[aria-label=Preview] tbody tr, .mud-table-body tr").Select(r => r.TextContent).ToList();
        Assert.Contains(rows, r => r.Contains("#1") && r.Contains("orders") && r.Contains("created"));
        Assert.Contains(rows, r => r.Contains("#2") && r.Contains("Location") && r.Contains("skipped"));
        Assert.Equal(0, (await Catalog.QueryAsync(new(), BackendPortal.Features.Services.ServiceSort.Name, false, 0, 10)).Total);

        cut.WaitForAssertion(() => Assert.False(Button(cut, "Import").HasAttribute("disabled")), Wait);
        Button(cut, "Import").Click();
        cut.WaitForAssertion(() => Assert.Contains("Imported: 1 created, 0 updated, 0 unchanged, 1 skipped", cut.Find("[data-testid=import-result]").TextContent), Wait);
        Assert.Equal("payments", (await Catalog.GetAsync("orders")).Owner);
    }

    [Fact]
    public async Task Errors_are_listed_by_document_and_field_and_import_stays_disabled()
    {
        await SignInAsync("Alice Admin", Roles.Admin);
        var cut = Render<ImportPage>();
        Type(cut, "Catalog YAML", Component.Replace("owner: payments", "owner: nobody").Replace("name: orders", "name: -orders"));
        Button(cut, "Preview").Click();

        cut.WaitForAssertion(() => Assert.Contains("The file has errors", cut.Find("[data-testid=import-result]").TextContent), Wait);
        var errors = cut.FindAll("tr").Select(r => r.TextContent).Where(t => t.Contains("#1")).ToList();
        Assert.Contains(errors, r => r.Contains("metadata.name") && r.Contains("not a valid name"));
        Assert.Contains(errors, r => r.Contains("spec.owner") && r.Contains("neither in this file nor in the portal"));
        Assert.True(Button(cut, "Import").HasAttribute("disabled"));
        await using var db = await DbAsync();
        Assert.Equal(0, await db.Services.CountAsync());
    }
}
