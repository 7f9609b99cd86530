using BackendPortal.Features.Apis;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Systems;

namespace BackendPortal.Features.Services;

/// <summary>The service calls another service: when <see cref="DependsOn"/> fails, <see cref="Service"/> is hit.</summary>
public class ServiceDependency
{
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public int DependsOnId { get; set; }
    public Service DependsOn { get; set; } = null!;
}

public class ServiceDatabase
{
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public int DatabaseId { get; set; }
    public CatalogDatabase Database { get; set; } = null!;
}

public enum ApiRole
{
    Provides,
    Consumes,
}

public class ServiceApiLink
{
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public int ApiId { get; set; }
    public CatalogApi Api { get; set; } = null!;
    public ApiRole Role { get; set; }
}

/// <summary>A dependency on a non-database resource (a bucket, a queue), kept from a Backstage import.</summary>
public class ServiceResource
{
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public int ResourceId { get; set; }
    public CatalogResource Resource { get; set; } = null!;
}
