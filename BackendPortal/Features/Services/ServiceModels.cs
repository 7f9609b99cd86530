namespace BackendPortal.Features.Services;

/// <summary>A service as the API and the pages show it. <c>Owner</c> is the owner team's slug.</summary>
public sealed record ServiceDetails(
    string Slug,
    string Name,
    string? Description,
    string Owner,
    string OwnerName,
    string Lifecycle,
    int Tier,
    IReadOnlyList<string> Languages,
    string? Framework,
    string? RepositoryUrl,
    string? RunbookUrl,
    IReadOnlyList<string> Tags,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    Guid Version)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"{Version:N}\"";

    /// <summary>The slug of the system the service belongs to, if any.</summary>
    public string? System { get; init; }

    public string? SystemName { get; init; }

    /// <summary>Slugs of the services this one calls.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Slugs of the databases this one uses.</summary>
    public IReadOnlyList<string> Databases { get; init; } = [];

    public IReadOnlyList<string> ProvidesApis { get; init; } = [];

    public IReadOnlyList<string> ConsumesApis { get; init; } = [];
}

/// <summary>
/// What a caller sends to create or replace a service. The relation fields (<see cref="System"/>,
/// <see cref="DependsOn"/>, <see cref="Databases"/>, <see cref="ProvidesApis"/>, <see cref="ConsumesApis"/>)
/// are left as they are when omitted (null); an empty list (or "" for the system) clears them.
/// </summary>
public sealed class ServiceInput
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Owner { get; set; }
    public string? Lifecycle { get; set; }
    public int? Tier { get; set; }
    public List<string>? Languages { get; set; }
    public string? Framework { get; set; }
    public string? RepositoryUrl { get; set; }
    public string? RunbookUrl { get; set; }
    public List<string>? Tags { get; set; }
    public string? System { get; set; }
    public List<string>? DependsOn { get; set; }
    public List<string>? Databases { get; set; }
    public List<string>? ProvidesApis { get; set; }
    public List<string>? ConsumesApis { get; set; }

    public static ServiceInput From(ServiceDetails s) => new()
    {
        Slug = s.Slug,
        Name = s.Name,
        Description = s.Description,
        Owner = s.Owner,
        Lifecycle = s.Lifecycle,
        Tier = s.Tier,
        Languages = [.. s.Languages],
        Framework = s.Framework,
        RepositoryUrl = s.RepositoryUrl,
        RunbookUrl = s.RunbookUrl,
        Tags = [.. s.Tags],
        System = s.System ?? "",
        DependsOn = [.. s.DependsOn],
        Databases = [.. s.Databases],
        ProvidesApis = [.. s.ProvidesApis],
        ConsumesApis = [.. s.ConsumesApis],
    };
}

/// <summary>A service, database or API next to a service, with what the service page shows of it.</summary>
public sealed record RelatedEntity(string Kind, string Slug, string Name, string? Owner, string? Detail, int? Tier = null);

/// <summary>Everything a service is connected to, for its page.</summary>
public sealed record ServiceRelationsView(
    IReadOnlyList<RelatedEntity> DependsOn,
    IReadOnlyList<RelatedEntity> DependedOnBy,
    IReadOnlyList<RelatedEntity> Databases,
    IReadOnlyList<RelatedEntity> ProvidesApis,
    IReadOnlyList<RelatedEntity> ConsumesApis);

public sealed record ServiceFilter(string? Q = null, string? Owner = null, string? Lifecycle = null, string? Language = null);

public enum ServiceSort
{
    Slug,
    Name,
    Owner,
    Lifecycle,
    Tier,
    UpdatedAt,
}

public static class LifecycleNames
{
    public static readonly IReadOnlyList<string> All = ["experimental", "production", "deprecated"];

    public static string ToApi(Lifecycle lifecycle) => lifecycle.ToString().ToLowerInvariant();

    public static Lifecycle? Parse(string? value) =>
        Enum.TryParse<Lifecycle>(value?.Trim(), ignoreCase: true, out var l) && Enum.IsDefined(l) && !int.TryParse(value, out _) ? l : null;
}

public static class KnownLanguages
{
    public static readonly IReadOnlyList<string> All =
        ["C#", "C++", "Elixir", "Go", "Java", "JavaScript", "Kotlin", "PHP", "Python", "Ruby", "Rust", "Scala", "SQL", "Swift", "TypeScript"];

    /// <summary>Known languages get one spelling so filters match ("java" and "Java" are one language).</summary>
    public static string Canonical(string language)
    {
        var trimmed = language.Trim();
        var lower = trimmed.ToLowerInvariant();
        var alias = lower switch
        {
            "csharp" or "c sharp" or "dotnet" => "C#",
            "golang" => "Go",
            "js" or "node" or "nodejs" => "JavaScript",
            "ts" => "TypeScript",
            "cpp" => "C++",
            _ => null,
        };
        return alias ?? All.FirstOrDefault(l => string.Equals(l, trimmed, StringComparison.OrdinalIgnoreCase)) ?? trimmed;
    }
}
