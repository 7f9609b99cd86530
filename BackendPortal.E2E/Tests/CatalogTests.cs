using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class CatalogTests(PortalFixture portal)
{
    [Fact]
    public async Task The_admin_creates_a_team_and_a_service_then_edits_the_service()
    {
        var admin = await portal.FirstAdminAsync();
        await using var context = await portal.NewContextAsync();
        var page = (await LoginPage.SignInAsync(context, admin)).Page;

        var teamSlug = Unique.Slug("payments");
        var teamName = $"Payments {teamSlug}";
        var teams = await new TeamsPage(page).GotoAsync();
        var team = await teams.CreateTeamAsync(teamSlug, teamName, "Takes the money.", member: admin);
        await Expect(team.Members).ToContainTextAsync(admin.Name);
        await Expect(page.GetByText("Takes the money.")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "team-detail");
        await teams.GotoAsync();
        await Expect(teams.TeamLink(teamName)).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "teams-list");

        var serviceSlug = Unique.Slug("checkout");
        var serviceName = $"Checkout {serviceSlug}";
        var services = await new ServicesPage(page).GotoAsync();
        var form = await services.NewServiceAsync();
        await form.FillAsync(new ServiceValues(
            Slug: serviceSlug,
            Name: serviceName,
            OwnerTeam: $"{teamName} ({teamSlug})",
            Lifecycle: "production",
            Tier: "2",
            Languages: "C#, Go",
            Framework: "ASP.NET Core",
            RepositoryUrl: "https://git.example.test/checkout",
            RunbookUrl: "https://wiki.example.test/checkout",
            Tags: "payments, pci",
            Description: "Turns carts into orders."));
        await form.SaveAndCloseAsync();

        var detail = await new ServiceDetailPage(page).GotoAsync(serviceSlug);
        await detail.ExpectShowsAsync(serviceName);
        await Expect(page.GetByText("production").First).ToBeVisibleAsync();
        await Expect(page.GetByText("ASP.NET Core").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "service-detail");

        await services.GotoAsync();
        await Expect(services.ServiceLink(serviceName)).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "services-list");
        await services.SearchAsync(serviceSlug);
        await Expect(services.ServiceLink(serviceName)).ToBeVisibleAsync();

        await services.OpenAsync(serviceName);
        form = await detail.EditAsync();
        await Expect(form.Field("Name")).ToHaveValueAsync(serviceName);
        var renamed = $"{serviceName} v2";
        await form.FillAsync(new ServiceValues(Name: renamed, Lifecycle: "deprecated"));
        await form.SaveAndCloseAsync();

        await detail.GotoAsync(serviceSlug);
        await detail.ExpectShowsAsync(renamed);
        await Expect(page.GetByText("deprecated").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_second_of_two_people_saving_the_same_service_is_told_who_changed_it()
    {
        var admin = await portal.FirstAdminAsync();
        var engineer = await portal.CreateUserAsync("Engineer", "Eve Engineer");
        var service = await portal.GivenServiceAsync(engineer);
        await using var adminContext = await portal.NewContextAsync();
        await using var engineerContext = await portal.NewContextAsync();
        var first = await new ServiceForm((await LoginPage.SignInAsync(adminContext, admin)).Page).GotoEditAsync(service.Slug);
        var second = await new ServiceForm((await LoginPage.SignInAsync(engineerContext, engineer)).Page).GotoEditAsync(service.Slug);
        await Expect(second.Field("Name")).ToHaveValueAsync(service.Name);
        await Screenshots.SaveAsync(first.Page, "service-edit");

        await first.FillAsync(new ServiceValues(Name: "Renamed by the admin"));
        await first.SaveAndCloseAsync();
        var detail = await new ServiceDetailPage(first.Page).GotoAsync(service.Slug);
        await detail.ExpectShowsAsync("Renamed by the admin");

        await second.FillAsync(new ServiceValues(Description: "The engineer's description"));
        await second.SaveAsync();

        await Expect(second.ConflictAlert).ToContainTextAsync("was changed by");
        await Expect(second.ConflictAlert).ToContainTextAsync(admin.Email);
        await Expect(second.ReloadButton).ToBeVisibleAsync();
        await Expect(second.OverwriteButton).ToBeVisibleAsync();
        await Screenshots.SaveAsync(second.Page, "service-conflict");

        await second.ReloadButton.ClickAsync();
        await Expect(second.ConflictAlert).ToHaveCountAsync(0);
        await Expect(second.Field("Name")).ToHaveValueAsync("Renamed by the admin");
    }
}
