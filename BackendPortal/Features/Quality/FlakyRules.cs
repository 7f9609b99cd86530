namespace BackendPortal.Features.Quality;

/// <summary>
/// When a test is flaky: it passed and failed on the same commit, it failed and then passed on a
/// rerun within one run (Surefire flakyFailure/flakyError), or its outcome flipped at least k times
/// over the last N runs of its suite (skips do not count as outcomes).
/// </summary>
public static class FlakyRules
{
    public readonly record struct Observation(long RunId, string? Commit, TestOutcome Outcome, bool FlakyInRun, DateTime At);

    public sealed record Verdict(bool IsFlaky, string Reason, int Flips, int Considered, double FlipRate, DateTime? LastSeen);

    public static Verdict Evaluate(IEnumerable<Observation> observations, int flipThreshold)
    {
        var ordered = observations.OrderBy(o => o.RunId).ToList();
        var outcomes = ordered.Where(o => o.Outcome != TestOutcome.Skipped).ToList();
        var flips = 0;
        for (var i = 1; i < outcomes.Count; i++)
        {
            if (IsBad(outcomes[i].Outcome) != IsBad(outcomes[i - 1].Outcome))
            {
                flips++;
            }
        }
        var reasons = new List<string>();
        var sameCommit = outcomes
            .Where(o => !string.IsNullOrEmpty(o.Commit))
            .GroupBy(o => o.Commit!, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault(g => g.Any(o => IsBad(o.Outcome)) && g.Any(o => !IsBad(o.Outcome)));
        if (sameCommit is not null)
        {
            reasons.Add($"passed and failed on commit {Short(sameCommit.Key)}");
        }
        if (ordered.Any(o => o.FlakyInRun))
        {
            reasons.Add("passed on a rerun after failing");
        }
        if (flipThreshold > 0 && flips >= flipThreshold)
        {
            reasons.Add($"flipped {flips} times in the last {ordered.Count} runs");
        }
        var lastSeen = ordered.LastOrDefault(o => IsBad(o.Outcome) || o.FlakyInRun);
        return new Verdict(
            reasons.Count > 0,
            string.Join("; ", reasons),
            flips,
            outcomes.Count,
            outcomes.Count > 1 ? (double)flips / (outcomes.Count - 1) : 0,
            lastSeen == default ? null : lastSeen.At);
    }

    public static bool IsBad(TestOutcome outcome) => outcome is TestOutcome.Failed or TestOutcome.Error;

    private static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;
}
