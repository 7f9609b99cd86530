using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Sessions;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Overview;

public sealed class OverviewServiceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Counts_users_sessions_tokens_and_charts_sign_ins_and_403s_per_day()
    {
        var admin = await factory.CreateUserAsync(Roles.Admin);
        var viewer = await factory.CreateUserAsync(Roles.Viewer);
        await factory.CreateTokenAsync(viewer, "read");
        var expired = await factory.CreateTokenAsync(viewer, "read");
        var hash = Tokens.TokenFormat.Hash(expired);
        var now = DateTime.UtcNow;
        await factory.WithDbAsync(async db =>
        {
            await db.ApiTokens.Where(t => t.Hash == hash).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, now.AddDays(-1)));
            await db.Users.Where(u => u.Id == viewer.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true));
            // Old audit rows from before the other tests' sign-ins are cleared so the counts are this test's.
            await db.AuditEntries.ExecuteDeleteAsync();
            await db.UserSessions.ExecuteDeleteAsync();
            db.UserSessions.AddRange(
                new UserSession { Id = "open", UserId = admin.Id, CreatedAt = now, LastSeenAt = now },
                new UserSession { Id = "idle", UserId = admin.Id, CreatedAt = now.AddHours(-2), LastSeenAt = now.AddHours(-2) },
                new UserSession { Id = "ended", UserId = admin.Id, CreatedAt = now, LastSeenAt = now, EndedAt = now });
            AuditEntry Entry(string action, DateTime at) => new() { Action = action, At = at, ActorName = "someone", Summary = action };
            db.AuditEntries.AddRange(
                Entry(AuditActions.SignInSucceeded, now), Entry(AuditActions.SignInSucceeded, now),
                Entry(AuditActions.SignInFailed, now), Entry(AuditActions.SignInFailed, now.AddDays(-3)),
                Entry(AuditActions.AccessDenied, now.AddDays(-1)), Entry(AuditActions.AccessDenied, now.AddDays(-40)));
            return await db.SaveChangesAsync();
        });

        var data = await factory.WithServiceAsync<OverviewService, OverviewData>(s => s.GetAsync(PortalFactory.ActorFor(admin)));

        Assert.Equal(2, data.Counts.Users);
        Assert.Equal(1, data.Counts.DisabledUsers);
        Assert.Equal(1, data.Counts.ActiveSessions);
        Assert.Equal((1, 1, 0), (data.Counts.ActiveTokens, data.Counts.ExpiredTokens, data.Counts.RevokedTokens));
        Assert.Equal(1, data.Counts.FailedSignIns24h);
        Assert.Equal(2, data.RecentFailedSignIns.Count);
        Assert.Equal(2, data.RecentAccessDenied.Count);
        var s = data.Last30Days;
        Assert.Equal(30, s.Days.Count);
        Assert.Equal(DateOnly.FromDateTime(now), s.Days[^1]);
        Assert.Equal(2, s.SignInsSucceeded[^1]);
        Assert.Equal(1, s.SignInsFailed[^1]);
        Assert.Equal(1, s.SignInsFailed[^4]);
        Assert.Equal(1, s.AccessDenied.Sum());
        await Assert.ThrowsAsync<ForbiddenException>(() => factory.WithServiceAsync<OverviewService, OverviewData>(x => x.GetAsync(PortalFactory.ActorFor(viewer))));
    }
}
