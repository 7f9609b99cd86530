namespace BackendPortal.Features.Databases;

public sealed class DatabaseRulesTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static List<SizePoint> Line(long start, long perDay, int days) =>
        [.. Enumerable.Range(0, days).Select(d => new SizePoint(T0.AddDays(d), start + perDay * d))];

    [Fact]
    public void A_steady_growth_projects_the_day_the_capacity_is_reached()
    {
        var forecast = CapacityForecast.From(Line(1_000, 100, 10), 2_000);
        Assert.True(forecast.Growing);
        Assert.Equal(100, forecast.BytesPerDay, 6);
        // Day 9 holds 1900; 100 more bytes is one more day.
        Assert.Equal(T0.AddDays(10), forecast.FullAt!.Value, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Flat_or_shrinking_sizes_say_not_growing()
    {
        var flat = CapacityForecast.From(Line(5_000_000, 0, 10), 10_000_000);
        Assert.False(flat.Growing);
        Assert.Null(flat.FullAt);
        Assert.StartsWith("Not growing", flat.Summary);
        Assert.False(CapacityForecast.From(Line(5_000_000, -1000, 10), 10_000_000).Growing);
    }

    [Fact]
    public void Noise_around_a_trend_still_fits_the_trend()
    {
        var samples = Line(1_000_000, 10_000, 30).Select((p, i) => p with { Bytes = p.Bytes + (i % 2 == 0 ? 3_000 : -3_000) }).ToList();
        var forecast = CapacityForecast.From(samples, 2_000_000);
        Assert.True(forecast.Growing);
        Assert.InRange(forecast.BytesPerDay, 9_000, 11_000);
        Assert.InRange(forecast.FullAt!.Value, T0.AddDays(95), T0.AddDays(105));
    }

    [Fact]
    public void Too_few_samples_no_capacity_and_already_full_are_said_plainly()
    {
        Assert.StartsWith("Not enough samples", CapacityForecast.From([new SizePoint(T0, 5)], 10).Summary);
        var noCapacity = CapacityForecast.From(Line(1_000, 100, 5), null);
        Assert.True(noCapacity.Growing);
        Assert.Null(noCapacity.FullAt);
        var full = CapacityForecast.From(Line(1_000, 100, 5), 1_200);
        Assert.Equal(T0.AddDays(4), full.FullAt);
        Assert.StartsWith("At capacity", full.Summary);
    }

    [Fact]
    public void The_forecast_uses_only_the_recent_window()
    {
        // A long flat history, then growth in the last month: the window sees the growth.
        var old = Enumerable.Range(0, 200).Select(d => new SizePoint(T0.AddDays(d), 1_000_000)).ToList();
        var recent = Enumerable.Range(1, 30).Select(d => new SizePoint(T0.AddDays(199 + d), 1_000_000 + 50_000L * d)).ToList();
        var forecast = DatabaseOperationsService.Forecast([.. old, .. recent], 10_000_000);
        Assert.True(forecast.Growing);
    }

    [Fact]
    public void Backup_warning_follows_the_policy_frequency()
    {
        var daily = new BackupPolicy(24, null, null);
        Assert.Null(BackupRule.Check(new BackupPolicy(null, 15, 60), null, T0));
        Assert.Contains("No verified backup", BackupRule.Check(daily, null, T0)!.Message);
        Assert.Null(BackupRule.Check(daily, T0.AddHours(-23), T0));
        Assert.Null(BackupRule.Check(daily, T0.AddHours(-24), T0));
        var late = BackupRule.Check(daily, T0.AddHours(-25), T0);
        Assert.NotNull(late);
        Assert.Equal(T0.AddHours(-25), late.LastVerifiedAt);
        Assert.Contains("every day", late.Message);
    }

    [Theory]
    [InlineData("Server=db;Password=x", true)]
    [InlineData("Data Source=db;User ID=sa;PWD=x", true)]
    [InlineData("postgres://u:p@h/db", true)]
    [InlineData("redis://:p@h:6379", true)]
    [InlineData("amqp://guest:guest@rabbit", true)]
    [InlineData("jdbc:mysql://h:3306/db?user=u&password=p", true)]
    [InlineData("AccountEndpoint=https://x.documents.azure.com;AccountKey=abc==", true)]
    [InlineData("orders-db.internal:5432", false)]
    [InlineData("postgres://u@h/db", false)]
    [InlineData("Stores customer passwords hashed with Argon2", false)]
    [InlineData("password-reset tokens", false)]
    [InlineData("", false)]
    public void Credential_guard_recognises_secrets_not_words(string text, bool secret) =>
        Assert.Equal(secret, CredentialGuard.CarriesSecret(text));

    [Fact]
    public void The_ledger_marks_environments_missing_what_others_have()
    {
        var rows = new[]
        {
            new MigrationRecord("a", null, "staging", T0, null, T0),
            new MigrationRecord("b", null, "staging", T0.AddDays(1), null, T0),
            new MigrationRecord("a", null, "production", T0.AddDays(2), null, T0),
        };
        var ledger = DatabaseOperationsService.BuildLedger(rows);
        Assert.Equal(["production", "staging"], ledger.Environments.Select(e => e.Environment));
        Assert.Equal(["b"], ledger.Environments[0].Missing);
        Assert.False(ledger.Environments[1].IsBehind);
        Assert.Empty(DatabaseOperationsService.BuildLedger([]).Environments);
    }
}
