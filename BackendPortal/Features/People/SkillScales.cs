namespace BackendPortal.Features.People;

/// <summary>The 0–4 proficiency scale and the words the pages use for it.</summary>
public static class Proficiency
{
    public const int Min = 0;
    public const int Max = 4;

    /// <summary>"Working" knowledge: the bar for counting someone towards a service's bus factor.</summary>
    public const int Working = 2;

    public static readonly IReadOnlyList<string> Names = ["none", "learning", "working", "strong", "expert"];

    public static bool IsValid(int value) => value is >= Min and <= Max;

    public static string Name(int value) => IsValid(value) ? Names[value] : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public static class CareerLevels
{
    public static readonly IReadOnlyList<CareerLevel> All = [CareerLevel.Junior, CareerLevel.Intermediate, CareerLevel.Senior, CareerLevel.Staff];

    public static readonly string AllText = string.Join(", ", All.Select(ToApi));

    public static string ToApi(CareerLevel level) => level.ToString().ToLowerInvariant();

    public static string? ToApi(CareerLevel? level) => level is { } l ? ToApi(l) : null;

    public static CareerLevel? Parse(string? value) =>
        !string.IsNullOrWhiteSpace(value) && !int.TryParse(value, out _)
            && Enum.TryParse<CareerLevel>(value.Trim(), ignoreCase: true, out var l) && Enum.IsDefined(l) ? l : null;

    /// <summary>The level after this one; staff is the top, so it is its own next level.</summary>
    public static CareerLevel Next(CareerLevel? level) => level switch
    {
        null => CareerLevel.Junior,
        CareerLevel.Staff => CareerLevel.Staff,
        { } l => l + 1,
    };
}
