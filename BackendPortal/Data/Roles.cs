namespace BackendPortal.Data;

public static class Roles
{
    public const string Admin = "Admin";
    public const string Engineer = "Engineer";
    public const string QA = "QA";
    public const string Viewer = "Viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Engineer, QA, Viewer];

    /// <summary>Case-insensitive lookup that returns the canonical spelling, or null.</summary>
    public static string? Normalize(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}
