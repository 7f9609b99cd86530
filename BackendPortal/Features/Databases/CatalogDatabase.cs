using BackendPortal.Data;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Teams;

namespace BackendPortal.Features.Databases;

/// <summary>
/// A database the team runs. There is deliberately no place for credentials: the host is a name,
/// never a connection string with a password.
/// </summary>
public class CatalogDatabase : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public DatabaseEngine Engine { get; set; }
    public string? EngineVersion { get; set; }
    public DeploymentEnvironment Environment { get; set; }
    public int OwnerTeamId { get; set; }
    public Team OwnerTeam { get; set; } = null!;
    public int? SystemId { get; set; }
    public CatalogSystem? System { get; set; }
    public string? Host { get; set; }
    public long? CapacityBytes { get; set; }
    public int? BackupFrequencyHours { get; set; }
    public int? RpoMinutes { get; set; }
    public int? RtoMinutes { get; set; }
    public List<string> Tags { get; set; } = [];
}

public enum DatabaseEngine
{
    PostgreSql,
    SqlServer,
    MySql,
    MariaDb,
    MongoDb,
    Redis,
    Sqlite,
    Oracle,
    Other,
}

public enum DeploymentEnvironment
{
    Production,
    Staging,
    Development,
}

/// <summary>A schema migration CI applied to one environment of a database; unique per (database, environment, id).</summary>
public class DatabaseMigration
{
    public long Id { get; set; }
    public int DatabaseId { get; set; }
    public CatalogDatabase Database { get; set; } = null!;
    public string Environment { get; set; } = "";
    public string MigrationId { get; set; } = "";
    public string? Description { get; set; }
    public DateTime AppliedAt { get; set; }
    public string? AppliedBy { get; set; }
    public DateTime RecordedAt { get; set; }
}

public class DatabaseSizeSample
{
    public long Id { get; set; }
    public int DatabaseId { get; set; }
    public CatalogDatabase Database { get; set; } = null!;
    public DateTime At { get; set; }
    public long Bytes { get; set; }
}

/// <summary>One report of one normalised statement; the same fingerprint across reports is its trend.</summary>
public class SlowQuerySample
{
    public long Id { get; set; }
    public int DatabaseId { get; set; }
    public CatalogDatabase Database { get; set; } = null!;
    public string Fingerprint { get; set; } = "";
    public string NormalizedQuery { get; set; } = "";
    public DateTime ReportedAt { get; set; }
    public long Calls { get; set; }
    public double MeanMs { get; set; }
    public double? P95Ms { get; set; }
    public long? Rows { get; set; }
}

public class DatabaseBackup
{
    public long Id { get; set; }
    public int DatabaseId { get; set; }
    public CatalogDatabase Database { get; set; } = null!;
    public DateTime At { get; set; }
    public bool Verified { get; set; }
    public long? SizeBytes { get; set; }
}
