using BackendPortal.Live;

namespace BackendPortal.Features.Operations;

public sealed record HealthStatusChanged(int CheckId, string? ServiceSlug, string? DatabaseSlug, HealthStatus From, HealthStatus To) : LiveEvent;

public sealed record IncidentChanged(int IncidentId, IReadOnlyList<string> ServiceSlugs) : LiveEvent;

public sealed record DeploymentRecorded(string ServiceSlug, string Version, string Environment) : LiveEvent;
