namespace BackendPortal.Features.Databases;

/// <summary>A database as the API and the pages show it. <c>Owner</c> is the owner team's slug, <c>System</c> the system's.</summary>
public sealed record DatabaseDetails(
    string Slug,
    string Name,
    string? Description,
    string Engine,
    string? EngineVersion,
    string Environment,
    string Owner,
    string OwnerName,
    string? System,
    string? SystemName,
    string? Host,
    long? CapacityBytes,
    BackupPolicy BackupPolicy,
    IReadOnlyList<string> Tags,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    Guid Version)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"{Version:N}\"";
}

/// <summary>How often a verified backup must happen and how much loss and downtime the owners accept.</summary>
public sealed record BackupPolicy(int? FrequencyHours, int? RpoMinutes, int? RtoMinutes);

/// <summary>What a caller sends to create or replace a database. There is no field for credentials on purpose.</summary>
public sealed class DatabaseInput
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Engine { get; set; }
    public string? EngineVersion { get; set; }
    public string? Environment { get; set; }
    public string? Owner { get; set; }
    public string? System { get; set; }
    public string? Host { get; set; }
    public long? CapacityBytes { get; set; }
    public BackupPolicy? BackupPolicy { get; set; }
    public List<string>? Tags { get; set; }

    public static DatabaseInput From(DatabaseDetails d) => new()
    {
        Slug = d.Slug,
        Name = d.Name,
        Description = d.Description,
        Engine = d.Engine,
        EngineVersion = d.EngineVersion,
        Environment = d.Environment,
        Owner = d.Owner,
        System = d.System,
        Host = d.Host,
        CapacityBytes = d.CapacityBytes,
        BackupPolicy = d.BackupPolicy,
        Tags = [.. d.Tags],
    };
}

public sealed record DatabaseFilter(string? Q = null, string? Owner = null, string? Engine = null, string? Environment = null, string? System = null);

public enum DatabaseSort
{
    Name,
    Owner,
    Engine,
    Environment,
    UpdatedAt,
}

/// <summary>The audit snapshot of a database.</summary>
internal sealed record DatabaseSnapshot(
    string Slug, string Name, string? Description, string Engine, string? EngineVersion, string Environment, string Owner,
    string? System, string? Host, long? CapacityBytes, BackupPolicy BackupPolicy, IReadOnlyList<string> Tags, Guid Version);

public static class EngineNames
{
    public static readonly IReadOnlyList<string> All = ["postgresql", "sqlserver", "mysql", "mariadb", "mongodb", "redis", "sqlite", "oracle", "other"];

    public static string ToApi(DatabaseEngine engine) => engine.ToString().ToLowerInvariant();

    public static string Display(DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.PostgreSql => "PostgreSQL",
        DatabaseEngine.SqlServer => "SQL Server",
        DatabaseEngine.MySql => "MySQL",
        DatabaseEngine.MariaDb => "MariaDB",
        DatabaseEngine.MongoDb => "MongoDB",
        DatabaseEngine.Redis => "Redis",
        DatabaseEngine.Sqlite => "SQLite",
        DatabaseEngine.Oracle => "Oracle",
        _ => "Other",
    };

    public static string Display(string apiName) => Parse(apiName) is { } e ? Display(e) : apiName;

    public static DatabaseEngine? Parse(string? value)
    {
        var v = value?.Trim().ToLowerInvariant().Replace(" ", "").Replace("-", "").Replace("_", "");
        return v switch
        {
            "postgresql" or "postgres" or "pg" => DatabaseEngine.PostgreSql,
            "sqlserver" or "mssql" or "azuresql" => DatabaseEngine.SqlServer,
            "mysql" => DatabaseEngine.MySql,
            "mariadb" => DatabaseEngine.MariaDb,
            "mongodb" or "mongo" => DatabaseEngine.MongoDb,
            "redis" => DatabaseEngine.Redis,
            "sqlite" => DatabaseEngine.Sqlite,
            "oracle" => DatabaseEngine.Oracle,
            "other" => DatabaseEngine.Other,
            _ => null,
        };
    }
}

public static class EnvironmentNames
{
    public static readonly IReadOnlyList<string> All = ["production", "staging", "development"];

    public static string ToApi(DeploymentEnvironment environment) => environment.ToString().ToLowerInvariant();

    public static DeploymentEnvironment? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "production" or "prod" => DeploymentEnvironment.Production,
        "staging" or "stage" => DeploymentEnvironment.Staging,
        "development" or "dev" => DeploymentEnvironment.Development,
        _ => null,
    };

    public static string Message(string field, string? value) => string.IsNullOrWhiteSpace(value)
        ? $"{field} is required: one of {string.Join(", ", All)}."
        : $"'{value.Trim()}' is not an environment; use one of {string.Join(", ", All)}.";
}

// ---- database management: what CI posts ------------------------------------------------------

public sealed class MigrationInput
{
    public string? Id { get; set; }
    public string? Description { get; set; }
    public string? Environment { get; set; }
    public DateTime? AppliedAt { get; set; }
    public string? AppliedBy { get; set; }
}

public sealed record MigrationRecord(string Id, string? Description, string Environment, DateTime AppliedAt, string? AppliedBy, DateTime RecordedAt);

/// <summary>The ledger of one database: what each environment has applied and what it still lacks.</summary>
public sealed record MigrationLedger(IReadOnlyList<EnvironmentMigrations> Environments);

public sealed record EnvironmentMigrations(string Environment, IReadOnlyList<MigrationRecord> Applied, IReadOnlyList<string> Missing)
{
    public bool IsBehind => Missing.Count > 0;
}

public sealed class SizeInput
{
    public long? Bytes { get; set; }
    public DateTime? At { get; set; }
}

public sealed record SizePoint(DateTime At, long Bytes);

public sealed record SizeHistory(IReadOnlyList<SizePoint> Samples, long? CapacityBytes, CapacityForecast Forecast);

public sealed class SlowQueryInput
{
    public string? Query { get; set; }
    public long? Calls { get; set; }
    public double? MeanMs { get; set; }
    public double? P95Ms { get; set; }
    public long? Rows { get; set; }
}

public sealed record SlowQueryReportResult(int Received, int Statements, DateTime ReportedAt);

public sealed record SlowQueryTrendPoint(DateTime ReportedAt, long Calls, double MeanMs, double? P95Ms);

/// <summary>One normalised statement: its share of time in the window and how its mean moved across reports.</summary>
public sealed record SlowQueryOffender(
    string Fingerprint, string Query, long Calls, double TotalMs, double LatestMeanMs, double? LatestP95Ms, long? LatestRows,
    string Trend, IReadOnlyList<SlowQueryTrendPoint> Points);

public sealed class BackupInput
{
    public DateTime? At { get; set; }
    public bool? Verified { get; set; }
    public long? SizeBytes { get; set; }
}

public sealed record BackupRecord(DateTime At, bool Verified, long? SizeBytes);

public sealed record BackupStatus(BackupPolicy Policy, DateTime? LastVerifiedAt, IReadOnlyList<BackupRecord> Recent, BackupWarning? Warning);

public sealed record BackupWarning(string Message, DateTime? LastVerifiedAt, int FrequencyHours);

/// <summary>A database whose last verified backup is older than its policy allows, for the home page.</summary>
public sealed record OverdueBackup(string Slug, string Name, string Owner, string Environment, BackupWarning Warning);
