using System.Net;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Sessions;

/// <summary>The portal on a hand-moved clock, with a one-hour absolute lifetime to keep the walk short.</summary>
public sealed class ClockedPortalFactory : PortalFactory
{
    public ClockedPortalFactory()
    {
        WithSetting("Security:IdleTimeout", "00:30:00");
        WithSetting("Security:AbsoluteSessionLifetime", "01:00:00");
        WithSetting("Security:RevalidationInterval", "00:30:00");
    }

    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>The tests share one clock that only moves forward; xunit runs a class's tests one after another.</summary>
public sealed class SessionLimitsTests(ClockedPortalFactory factory) : IClassFixture<ClockedPortalFactory>
{
    private static async Task<bool> IsSignedInAsync(HttpClient client)
    {
        var response = await client.GetAsync("/");
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"unexpected {(int)response.StatusCode}");
        return response.StatusCode == HttpStatusCode.OK;
    }

    [Fact]
    public async Task Idle_timeout_ends_a_session_that_was_not_used_and_activity_keeps_it_alive()
    {
        var active = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Viewer));
        var idleUser = await factory.CreateUserAsync(Roles.Viewer);
        var idle = await factory.SignInAsync(idleUser);

        // The active browser calls every 20 minutes; the idle one does not.
        factory.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.True(await IsSignedInAsync(active));
        factory.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.True(await IsSignedInAsync(active));

        Assert.False(await IsSignedInAsync(idle));
        var session = await factory.WithDbAsync(db => db.UserSessions.AsNoTracking().SingleAsync(s => s.UserId == idleUser.Id));
        Assert.NotNull(session.EndedAt);
    }

    [Fact]
    public async Task Absolute_lifetime_ends_even_an_active_session()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.SignInAsync(user);

        // Active at 20, 40 and 50 minutes: the security stamp re-check on the way must keep the session claim.
        foreach (var step in new[] { 20, 20, 10 })
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(step));
            Assert.True(await IsSignedInAsync(client), $"signed out after a step of {step} minutes");
        }
        factory.Clock.Advance(TimeSpan.FromMinutes(11));

        Assert.False(await IsSignedInAsync(client));
        var open = await factory.WithServiceAsync<SessionService, IReadOnlyList<SessionSummary>>(s => s.ListAsync(user.Id, null));
        Assert.Empty(open);
    }
}
