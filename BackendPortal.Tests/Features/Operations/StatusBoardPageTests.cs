using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Live;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Operations;

public class StatusBoardPageTests : PortalTestContext
{
    private async Task<int> CheckAsync(string slug, HealthStatus status)
    {
        await using var db = await DbAsync();
        var serviceId = await db.Services.Where(s => s.SlugKey == slug).Select(s => s.Id).SingleAsync();
        var check = new HealthCheck { ServiceId = serviceId, Url = "http://127.0.0.1:9/", Status = status, Enabled = false, NextDueAt = DateTime.MaxValue, LastCheckedAt = DateTime.UtcNow };
        db.HealthChecks.Add(check);
        await db.SaveChangesAsync();
        return check.Id;
    }

    [Fact]
    public async Task A_published_status_change_re_renders_the_board_worst_first()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await CreateServiceAsync("billing-api", "Billing API", "payments");
        var orders = await CheckAsync("orders-api", HealthStatus.Up);
        await CheckAsync("billing-api", HealthStatus.Up);
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<StatusBoardPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=status-row]").Count));
        Assert.Equal("billing-api", cut.FindAll("[data-testid=status-row]")[0].GetAttribute("data-slug"));
        Assert.Contains("0 down", cut.Find("[data-testid=count-down]").TextContent);

        await using (var db = await DbAsync())
        {
            await db.HealthChecks.Where(c => c.Id == orders).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, HealthStatus.Down).SetProperty(c => c.LastReason, "Connection refused."));
        }
        Services.GetRequiredService<ILiveEvents>().Publish(new HealthStatusChanged(orders, "orders-api", null, HealthStatus.Up, HealthStatus.Down));

        cut.WaitForAssertion(() =>
        {
            var first = cut.FindAll("[data-testid=status-row]")[0];
            Assert.Equal("orders-api", first.GetAttribute("data-slug"));
            Assert.Contains("down", first.QuerySelector("[data-testid=health-status]")!.TextContent);
            Assert.Contains("Connection refused.", first.TextContent);
        });
        Assert.Contains("1 down", cut.Find("[data-testid=count-down]").TextContent);
    }

    [Fact]
    public async Task Without_checks_the_board_says_how_to_add_one()
    {
        await SignInAsync("Vera Viewer", Roles.Viewer);
        var cut = Render<StatusBoardPage>();
        cut.WaitForAssertion(() => Assert.Contains("No health checks yet", cut.Markup));
    }
}
