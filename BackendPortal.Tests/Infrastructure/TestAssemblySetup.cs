using System.Runtime.CompilerServices;

namespace BackendPortal.Infrastructure;

internal static class TestAssemblySetup
{
    /// <summary>
    /// WebApplicationFactory starts hosts with sync-over-async waits; on a two-core runner the thread
    /// pool then adds threads one at a time and a host start takes many seconds instead of one.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseThreadPoolFloor() => ThreadPool.SetMinThreads(Math.Max(32, Environment.ProcessorCount * 8), 32);
}
