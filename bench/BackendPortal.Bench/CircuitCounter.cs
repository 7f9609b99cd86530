using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BackendPortal.Bench;

/// <summary>Counts the server's open circuits, so the bench knows its 50 browser contexts really are 50 circuits.</summary>
public sealed class CircuitCounter
{
    private int open;

    public int Open => Volatile.Read(ref open);

    public sealed class Handler(CircuitCounter counter) : CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter.open);
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Decrement(ref counter.open);
            return Task.CompletedTask;
        }
    }
}
