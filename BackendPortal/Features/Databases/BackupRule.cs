namespace BackendPortal.Features.Databases;

/// <summary>A database is overdue when its policy asks for a backup every N hours and the last verified one is older.</summary>
public static class BackupRule
{
    public static BackupWarning? Check(BackupPolicy policy, DateTime? lastVerifiedAt, DateTime utcNow)
    {
        if (policy.FrequencyHours is not { } hours || hours <= 0)
        {
            return null;
        }
        if (lastVerifiedAt is not { } last)
        {
            return new BackupWarning($"No verified backup is recorded, and the policy asks for one every {Hours(hours)}.", null, hours);
        }
        var age = utcNow - last;
        return age <= TimeSpan.FromHours(hours)
            ? null
            : new BackupWarning($"The last verified backup is {Age(age)} old ({last:yyyy-MM-dd HH:mm} UTC); the policy asks for one every {Hours(hours)}.", last, hours);
    }

    private static string Hours(int hours) => hours % 24 == 0 ? (hours == 24 ? "day" : $"{hours / 24} days") : hours == 1 ? "hour" : $"{hours} hours";

    private static string Age(TimeSpan age) => age.TotalDays >= 2 ? $"{(int)age.TotalDays} days" : $"{(int)age.TotalHours} hours";
}
