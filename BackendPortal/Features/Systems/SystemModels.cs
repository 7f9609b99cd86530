namespace BackendPortal.Features.Systems;

/// <summary>A system as the API and the pages show it. <c>Owner</c> is the owner team's slug.</summary>
public sealed record SystemDetails(
    string Slug,
    string Name,
    string? Description,
    string Owner,
    string OwnerName,
    string? Domain,
    IReadOnlyList<string> Tags,
    int ServiceCount,
    int DatabaseCount,
    int ApiCount,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    Guid Version)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"{Version:N}\"";
}

/// <summary>What a caller sends to create or replace a system.</summary>
public sealed class SystemInput
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Owner { get; set; }
    public string? Domain { get; set; }
    public List<string>? Tags { get; set; }

    public static SystemInput From(SystemDetails s) => new()
    {
        Slug = s.Slug,
        Name = s.Name,
        Description = s.Description,
        Owner = s.Owner,
        Domain = s.Domain,
        Tags = [.. s.Tags],
    };
}

public sealed record SystemFilter(string? Q = null, string? Owner = null);

public enum SystemSort
{
    Name,
    Owner,
    Domain,
    UpdatedAt,
}

/// <summary>One member of a system (a service, database or API) as the system page lists it.</summary>
public sealed record SystemMember(string Kind, string Slug, string Name, string Owner, string? Detail);

/// <summary>The audit snapshot of a system: its own fields, without the member counts.</summary>
internal sealed record SystemSnapshot(string Slug, string Name, string? Description, string Owner, string? Domain, IReadOnlyList<string> Tags, Guid Version);
