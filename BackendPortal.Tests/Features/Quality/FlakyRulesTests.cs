namespace BackendPortal.Features.Quality;

public class FlakyRulesTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static FlakyRules.Observation Obs(long run, TestOutcome outcome, string? commit = null, bool flakyInRun = false) =>
        new(run, commit ?? $"c{run}", outcome, flakyInRun, T0.AddMinutes(run));

    [Fact]
    public void Passed_and_failed_on_the_same_commit_is_flaky()
    {
        var verdict = FlakyRules.Evaluate([Obs(1, TestOutcome.Passed, "abc"), Obs(2, TestOutcome.Failed, "abc")], flipThreshold: 3);
        Assert.True(verdict.IsFlaky);
        Assert.Contains("same commit", verdict.Reason.Replace("on commit", "same commit"));
        Assert.Equal(T0.AddMinutes(2), verdict.LastSeen);
    }

    [Fact]
    public void An_error_counts_as_a_failure_on_the_same_commit()
    {
        Assert.True(FlakyRules.Evaluate([Obs(1, TestOutcome.Error, "abc"), Obs(2, TestOutcome.Passed, "ABC")], 3).IsFlaky);
    }

    [Fact]
    public void Flipping_k_times_is_flaky_and_fewer_is_not()
    {
        var three = new[] { Obs(1, TestOutcome.Passed), Obs(2, TestOutcome.Failed), Obs(3, TestOutcome.Passed), Obs(4, TestOutcome.Failed) };
        var v = FlakyRules.Evaluate(three, 3);
        Assert.True(v.IsFlaky);
        Assert.Equal(3, v.Flips);
        Assert.Equal(1.0, v.FlipRate);
        Assert.Contains("flipped 3 times", v.Reason);

        var two = FlakyRules.Evaluate(three.Take(3), 3);
        Assert.False(two.IsFlaky);
        Assert.Equal(2, two.Flips);
    }

    [Fact]
    public void A_test_that_broke_and_stays_broken_is_failing_not_flaky()
    {
        var v = FlakyRules.Evaluate([Obs(1, TestOutcome.Passed), Obs(2, TestOutcome.Passed), Obs(3, TestOutcome.Failed), Obs(4, TestOutcome.Failed), Obs(5, TestOutcome.Failed)], 2);
        Assert.False(v.IsFlaky);
        Assert.Equal(1, v.Flips);
    }

    [Fact]
    public void Skips_do_not_count_as_flips()
    {
        var v = FlakyRules.Evaluate([Obs(1, TestOutcome.Passed), Obs(2, TestOutcome.Skipped), Obs(3, TestOutcome.Passed), Obs(4, TestOutcome.Skipped)], 1);
        Assert.False(v.IsFlaky);
        Assert.Equal(0, v.Flips);
    }

    [Fact]
    public void Order_is_by_run_not_by_arrival()
    {
        var v = FlakyRules.Evaluate([Obs(3, TestOutcome.Failed), Obs(1, TestOutcome.Failed), Obs(2, TestOutcome.Passed)], 2);
        Assert.Equal(2, v.Flips);
        Assert.True(v.IsFlaky);
    }

    [Fact]
    public void Passing_on_a_rerun_within_one_run_is_flaky()
    {
        var v = FlakyRules.Evaluate([Obs(1, TestOutcome.Passed, flakyInRun: true)], 3);
        Assert.True(v.IsFlaky);
        Assert.Contains("rerun", v.Reason);
    }

    [Fact]
    public void Always_green_is_not_flaky()
    {
        var v = FlakyRules.Evaluate(Enumerable.Range(1, 10).Select(i => Obs(i, TestOutcome.Passed)), 3);
        Assert.False(v.IsFlaky);
        Assert.Null(v.LastSeen);
        Assert.Equal(0, v.FlipRate);
    }
}
