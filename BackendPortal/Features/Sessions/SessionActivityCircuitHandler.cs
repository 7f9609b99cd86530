using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BackendPortal.Features.Sessions;

/// <summary>
/// Clicks and typing in an interactive page send no HTTP requests, so the circuit reports them:
/// a user working in the portal is not idle. Writes at most once per <see cref="SessionService.TouchInterval"/>.
/// </summary>
public sealed class SessionActivityCircuitHandler(AuthenticationStateProvider authState, SessionService sessions, TimeProvider clock) : CircuitHandler
{
    private DateTimeOffset lastTouch = DateTimeOffset.MinValue;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            await TouchAsync();
            await next(context);
        };

    private async Task TouchAsync()
    {
        var now = clock.GetUtcNow();
        if (now - lastTouch < sessions.TouchInterval)
        {
            return;
        }
        lastTouch = now;
        var user = (await authState.GetAuthenticationStateAsync()).User;
        if (user.FindFirstValue(SessionCookieEvents.ClaimType) is { } sessionId)
        {
            await sessions.TouchAsync(sessionId);
        }
    }
}
