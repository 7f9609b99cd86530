namespace BackendPortal.Features.Teams;

public sealed record TeamDetails(
    string Slug,
    string Name,
    string? Description,
    IReadOnlyList<TeamMemberDetails> Members,
    int ServiceCount,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    Guid Version)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"{Version:N}\"";
}

/// <summary>A member as the API shows it: <c>person</c> is the person's slug, <c>role</c> lead or member.</summary>
public sealed record TeamMemberDetails(string Person, string Name, string? Email, string Role);

public sealed class TeamInput
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<TeamMemberInput>? Members { get; set; }

    public static TeamInput From(TeamDetails t) => new()
    {
        Slug = t.Slug,
        Name = t.Name,
        Description = t.Description,
        Members = [.. t.Members.Select(m => new TeamMemberInput { Person = m.Person, Role = m.Role })],
    };
}

public sealed class TeamMemberInput
{
    public string? Person { get; set; }
    public string? Role { get; set; }
}

public sealed record TeamSummary(string Slug, string Name, string? Description, int MemberCount, int ServiceCount, bool IsMine);

public sealed record PersonOption(string Slug, string Name, string? Email);
