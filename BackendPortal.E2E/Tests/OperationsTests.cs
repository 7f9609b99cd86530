using System.Net;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using BackendPortal.Features.Operations;
using BackendPortal.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using IncidentsPage = BackendPortal.E2E.Pages.IncidentsPage;
using StatusBoardPage = BackendPortal.E2E.Pages.StatusBoardPage;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class OperationsTests(PortalFixture portal)
{
    // Probes run every second; a loaded machine gets a generous wait, never a fixed sleep.
    private static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_target_going_down_turns_red_on_the_open_status_board_without_a_reload()
    {
        await using var target = await Target.StartAsync();
        var viewer = await portal.CreateUserAsync("Viewer", "Vic Viewer");
        var service = await portal.GivenServiceAsync();
        await portal.WithServiceAsync(sp => sp.GetRequiredService<HealthChecksService>().SaveAsync(Actor.System, HealthTarget.Service, service.Slug,
            new HealthCheckInput { Url = target.Url + "/healthz", IntervalSeconds = 1, TimeoutSeconds = 1, Retries = 0 }));

        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, viewer);
        var board = await new StatusBoardPage(home.Page).GotoAsync();
        await Expect(board.Status(service.Slug)).ToHaveTextAsync("up", Live);
        await board.Page.EvaluateAsync("() => window.__sameDocument = true");

        target.StatusCode = HttpStatusCode.ServiceUnavailable;

        await Expect(board.Status(service.Slug)).ToHaveTextAsync("down", Live);
        await Expect(board.Row(service.Slug)).ToContainTextAsync("Unexpected status 503");
        Assert.True(await board.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the board reloaded instead of updating in place");

        target.StatusCode = HttpStatusCode.OK;
        await Expect(board.Status(service.Slug)).ToHaveTextAsync("up", Live);
        await portal.WithServiceAsync(async sp =>
        {
            await sp.GetRequiredService<HealthChecksService>().DeleteAsync(Actor.System, HealthTarget.Service, service.Slug);
            return true;
        });
    }

    [Fact]
    public async Task An_incident_walks_through_its_states_and_each_change_is_on_both_timelines()
    {
        var engineer = await portal.CreateUserAsync("Engineer", "Erin Engineer");
        var service = await portal.GivenServiceAsync();
        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, engineer);

        var incidents = await new IncidentsPage(home.Page).GotoAsync();
        var incident = await incidents.ReportAsync("Checkout returns 502", service.Slug);
        await Expect(incident.Status).ToHaveTextAsync("investigating");
        await Expect(incident.TimelineEntries.First).ToHaveTextAsync("Opened as SEV3.");

        var previous = "investigating";
        foreach (var status in new[] { "identified", "monitoring", "resolved" })
        {
            await incident.MarkAsync(status);
            await Expect(incident.Status).ToHaveTextAsync(status);
            // Newest first: the change just made is on top.
            await Expect(incident.TimelineEntries.First).ToHaveTextAsync($"Status {previous} → {status}.");
            previous = status;
        }
        await Expect(incident.TimelineEntries).ToHaveCountAsync(4);

        var detail = await new ServiceDetailPage(incident.Page).GotoAsync(service.Slug);
        await detail.Page.GetByRole(AriaRole.Tab, new() { Name = "Timeline" }).ClickAsync();
        var timeline = detail.Page.GetByTestId("service-timeline");
        await Expect(timeline).ToContainTextAsync("Status monitoring → resolved.");
        await Expect(timeline).ToContainTextAsync("Status investigating → identified.");
        await Expect(timeline).ToContainTextAsync("Opened as SEV3.");
    }

    /// <summary>A real HTTP target on 127.0.0.1 whose answer the test flips.</summary>
    private sealed class Target : IAsyncDisposable
    {
        private readonly WebApplication app;

        private Target(WebApplication app) => this.app = app;

        private int status = (int)HttpStatusCode.OK;

        public HttpStatusCode StatusCode
        {
            get => (HttpStatusCode)Volatile.Read(ref status);
            set => Volatile.Write(ref status, (int)value);
        }

        public string Url { get; private set; } = "";

        public static async Task<Target> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var target = new Target(app);
            app.Run(ctx =>
            {
                ctx.Response.StatusCode = (int)target.StatusCode;
                return ctx.Response.WriteAsync("ok");
            });
            await app.StartAsync();
            target.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            return target;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
