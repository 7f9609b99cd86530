using System.Text.RegularExpressions;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;

namespace BackendPortal.Features.Catalog;

/// <summary>
/// The Backstage descriptor-format rules the import checks (catalog-model's validators and kind
/// schemas), and how Backstage's open vocabularies map onto the portal's closed ones.
/// </summary>
public static partial class BackstageRules
{
    public const string ApiVersionAlpha = "backstage.io/v1alpha1";
    public const string ApiVersionBeta = "backstage.io/v1beta1";
    public const string AnnotationPrefix = "backendportal.io/";

    [GeneratedRegex("^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex NamespacePattern();

    [GeneratedRegex("^[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*(?:\\.[a-z0-9]+(?:-[a-z0-9]+)*)*$")]
    private static partial Regex DnsSubdomainPattern();

    public static bool IsName(string? value) => value is { Length: >= 1 and <= 63 } && NamePattern().IsMatch(value);

    public static bool IsNamespace(string? value) => value is { Length: >= 1 and <= 63 } && NamespacePattern().IsMatch(value);

    public static bool IsTag(string? value) => value is { Length: >= 1 and <= 63 } && TagPattern().IsMatch(value);

    /// <summary>Annotation and label keys: an optional DNS-subdomain prefix and '/', then a name.</summary>
    public static bool IsKey(string key)
    {
        var slash = key.IndexOf('/');
        if (slash < 0)
        {
            return IsName(key);
        }
        var prefix = key[..slash];
        return prefix.Length is >= 1 and <= 253 && DnsSubdomainPattern().IsMatch(prefix) && IsName(key[(slash + 1)..]);
    }

    /// <summary>Backstage tags must be lower-case words joined by '-'; other text is folded to that shape for export.</summary>
    public static string? ToTag(string tag)
    {
        var folded = new string([.. tag.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '+' or '#' ? c : '-')]);
        folded = string.Join("-", folded.Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (folded.Length > 63)
        {
            folded = folded[..63].TrimEnd('-');
        }
        return IsTag(folded) ? folded : null;
    }

    public static readonly string[] LifecycleWords = ["experimental", "production", "deprecated"];

    /// <summary>
    /// Backstage lifecycles are free text; the portal has three. Common synonyms are mapped (see
    /// docs/decisions/0006-backstage-import.md); anything else is refused, naming the three. "unknown" is what
    /// Backstage itself writes for entities it generates (GitHub discovery, the catalog-import plugin), so it
    /// means "not yet classified" and lands on the least committed stage rather than failing the whole file.
    /// </summary>
    public static Lifecycle? ParseLifecycle(string value) => value.Trim().ToLowerInvariant() switch
    {
        "experimental" or "development" or "dev" or "alpha" or "beta" or "preview" or "incubating" or "sandbox" or "prototype" or "poc" or "pilot" or "unknown" => Lifecycle.Experimental,
        "production" or "prod" or "stable" or "ga" or "live" or "active" or "mature" or "released" => Lifecycle.Production,
        "deprecated" or "retired" or "sunset" or "sunsetting" or "end-of-life" or "eol" or "legacy" or "decommissioned" or "archived" => Lifecycle.Deprecated,
        _ => null,
    };

    public static string LifecycleName(Lifecycle lifecycle) => lifecycle.ToString().ToLowerInvariant();

    public static ApiType? ParseApiType(string value) => value.Trim().ToLowerInvariant() switch
    {
        "openapi" => ApiType.OpenApi,
        "asyncapi" => ApiType.AsyncApi,
        "graphql" => ApiType.GraphQl,
        "grpc" => ApiType.Grpc,
        _ => null,
    };

    public static string ApiTypeName(ApiType type) => type.ToString().ToLowerInvariant();

    public static DatabaseEngine? ParseEngine(string? value) => value?.Trim().ToLowerInvariant().Replace(" ", "") switch
    {
        "postgresql" or "postgres" or "pg" or "pgsql" or "aurora-postgresql" => DatabaseEngine.PostgreSql,
        "sqlserver" or "sql-server" or "mssql" or "azure-sql" or "azuresql" => DatabaseEngine.SqlServer,
        "mysql" or "aurora-mysql" => DatabaseEngine.MySql,
        "mariadb" => DatabaseEngine.MariaDb,
        "mongodb" or "mongo" => DatabaseEngine.MongoDb,
        "redis" => DatabaseEngine.Redis,
        "sqlite" => DatabaseEngine.Sqlite,
        "oracle" => DatabaseEngine.Oracle,
        "other" => DatabaseEngine.Other,
        _ => null,
    };

    public static string EngineName(DatabaseEngine engine) => engine.ToString().ToLowerInvariant();

    public static DeploymentEnvironment? ParseEnvironment(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "production" or "prod" => DeploymentEnvironment.Production,
        "staging" or "stage" => DeploymentEnvironment.Staging,
        "development" or "dev" => DeploymentEnvironment.Development,
        _ => null,
    };

    public static string EnvironmentName(DeploymentEnvironment environment) => environment.ToString().ToLowerInvariant();

    /// <summary>A host that carries a secret (a connection string with a password, user:password@) is refused: the portal stores no credentials.</summary>
    public static bool CarriesCredentials(string host)
    {
        var h = host.ToLowerInvariant();
        return h.Contains("password=") || h.Contains("pwd=") || System.Text.RegularExpressions.Regex.IsMatch(h, "://[^/@\\s]*:[^/@\\s]*@");
    }
}
