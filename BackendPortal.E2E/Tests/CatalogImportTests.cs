using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class CatalogImportTests(PortalFixture portal)
{
    [Fact]
    public async Task The_admin_uploads_a_backstage_file_previews_it_and_imports_it()
    {
        var admin = await portal.FirstAdminAsync();
        await using var context = await portal.NewContextAsync();
        var page = (await LoginPage.SignInAsync(context, admin)).Page;
        var team = Unique.Slug("guild");
        var service = Unique.Slug("ledger");
        var file = Path.Combine(Path.GetTempPath(), $"catalog-info-{Unique.Suffix()}.yaml");
        await File.WriteAllTextAsync(file, $"""
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata:
              name: {team}
            spec:
              type: team
              profile:
                displayName: Ledger Guild
              children: []
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: {service}
              title: Ledger
              links:
                - url: https://git.example.test/ledger
                  title: Repository
            spec:
              type: service
              lifecycle: production
              owner: group:default/{team}
            """);

        var import = await new CatalogImportPage(page).GotoAsync();
        await import.UploadAsync(file);
        await import.PreviewButton.ClickAsync();
        await Expect(import.Result).ToContainTextAsync("Preview: 2 to create");
        await Expect(import.Row(service)).ToContainTextAsync("created");
        await Expect(import.Row(team)).ToContainTextAsync("#1");
        await Screenshots.SaveAsync(page, "catalog-import-preview");

        await import.ImportButton.ClickAsync();
        await Expect(import.Result).ToContainTextAsync("Imported: 2 created, 0 updated, 0 unchanged");

        var detail = await new ServiceDetailPage(page).GotoAsync(service);
        await detail.ExpectShowsAsync("Ledger");
        File.Delete(file);
    }
}
