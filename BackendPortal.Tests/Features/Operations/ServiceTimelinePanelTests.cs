using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Quality;
using BackendPortal.Live;
using BackendPortal.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Operations;

public class ServiceTimelinePanelTests : PortalTestContext
{
    [Fact]
    public async Task An_open_timeline_shows_a_test_run_when_its_event_arrives()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Vera Viewer", Roles.Viewer);
        var cut = Render<ServiceTimelinePanel>(p => p.Add(x => x.Slug, "orders-api"));
        cut.WaitForAssertion(() => Assert.Contains("Nothing happened to this service", cut.Markup));

        long runId;
        await using (var db = await DbAsync())
        {
            var serviceId = await db.Services.Where(s => s.SlugKey == "orders-api").Select(s => s.Id).SingleAsync();
            var run = new TestRun { ServiceId = serviceId, Suite = "unit", Total = 3, Passed = 2, Failed = 1, CreatedAt = DateTime.UtcNow, CreatedBy = "ci" };
            db.TestRuns.Add(run);
            await db.SaveChangesAsync();
            runId = run.Id;
        }
        // Another service's event leaves this timeline alone; this service's event (any slug case) reloads it.
        Services.GetRequiredService<ILiveEvents>().Publish(new TestRunRecorded("billing-api", runId, "unit", true));
        Assert.Contains("Nothing happened to this service", cut.Markup);
        Services.GetRequiredService<ILiveEvents>().Publish(new TestRunRecorded("Orders-API", runId, "unit", true));

        cut.WaitForAssertion(() => Assert.Contains("Tests failing in unit: 1 of 3 failed", cut.Markup));
    }

    [Fact]
    public async Task A_migration_recorded_on_a_database_the_service_uses_appears_live()
    {
        await CreateTeamAsync("payments", "Payments");
        await Services.GetRequiredService<DatabaseCatalogService>().CreateAsync(Actor.System,
            new DatabaseInput { Slug = "orders-db", Name = "Orders DB", Owner = "payments", Engine = "postgresql", Environment = "production" });
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await using (var db = await DbAsync())
        {
            db.ServiceDatabases.Add(new Services.ServiceDatabase
            {
                ServiceId = await db.Services.Where(s => s.SlugKey == "orders-api").Select(s => s.Id).SingleAsync(),
                DatabaseId = await db.Databases.Where(d => d.SlugKey == "orders-db").Select(d => d.Id).SingleAsync(),
            });
            await db.SaveChangesAsync();
        }
        await SignInAsync("Vera Viewer", Roles.Viewer);
        var cut = Render<ServiceTimelinePanel>(p => p.Add(x => x.Slug, "orders-api"));
        cut.WaitForAssertion(() => Assert.Contains("Nothing happened to this service", cut.Markup));

        // The real publisher: the ledger publishes after its save commits.
        await Services.GetRequiredService<DatabaseOperationsService>().RecordMigrationAsync(Actor.System, "orders-db",
            new MigrationInput { Id = "0042_add_index", Environment = "production" });

        cut.WaitForAssertion(() => Assert.Contains("Migration 0042_add_index applied to orders-db (production)", cut.Markup));
    }
}
