using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackendPortal.Features.Operations;

/// <summary>The app on a fake clock with the background prober off: tests drive probes and rollups themselves.</summary>
public sealed class OperationsFactory : PortalFactory
{
    public OperationsFactory()
    {
        WithSetting("HealthChecks:ProberEnabled", "false");
        WithSetting("HealthChecks:MinIntervalSeconds", "1");
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour), TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    public HealthProber Prober => Services.GetRequiredService<HealthProber>();

    public HealthMonitor Monitor => Services.GetRequiredService<HealthMonitor>();
}
