namespace BackendPortal.E2E.Fixtures;

/// <summary>Names that no other test in the run uses, so tests share one database without colliding.</summary>
public static class Unique
{
    public static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    public static string Slug(string prefix) => $"{prefix}-{Suffix()}";
}
