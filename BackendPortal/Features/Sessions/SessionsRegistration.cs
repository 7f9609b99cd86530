using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BackendPortal.Features.Sessions;

public static class SessionsRegistration
{
    public static IServiceCollection AddSessions(this IServiceCollection services) => services
        .AddScoped<SessionService>()
        .AddScoped<CircuitHandler, SessionActivityCircuitHandler>();
}
