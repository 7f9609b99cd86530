using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BackendPortal.Features.Audit;

/// <summary>
/// Where the current caller connects from. In a request (API, account pages) that is the request's
/// address; an interactive circuit has no request of its own, so <see cref="AuditCircuitHandler"/>
/// copies the address of the circuit's connection here each time the browser (re)connects, and the
/// ambient HttpContext, which can be stale in a circuit, is not read again.
/// </summary>
public sealed class AuditContext(IHttpContextAccessor http)
{
    private bool inCircuit;
    private string? circuitIp;

    public string? Ip => inCircuit ? circuitIp : http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    internal void UseCircuitConnection(string? ip)
    {
        inCircuit = true;
        circuitIp = ip ?? circuitIp;
    }
}

/// <summary>
/// Runs in the circuit's scope during the hub call that starts or reconnects the circuit, while that
/// connection's request is the ambient HttpContext: the moment a circuit can learn the browser's address.
/// </summary>
public sealed class AuditCircuitHandler(AuditContext context, IHttpContextAccessor http) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken) => CaptureAsync();

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) => CaptureAsync();

    private Task CaptureAsync()
    {
        string? ip;
        try
        {
            ip = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        }
        catch (ObjectDisposedException)
        {
            ip = null;
        }
        context.UseCircuitConnection(ip);
        return Task.CompletedTask;
    }
}
