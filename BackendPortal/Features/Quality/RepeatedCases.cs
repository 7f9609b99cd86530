namespace BackendPortal.Features.Quality;

/// <summary>
/// One test written more than once in one run: retries as separate testcases (xcbeautify/trainer, gotestsum
/// --rerun-fails, jest-circus retries) or the same file posted twice in a multipart run. A run counts each test
/// once, as the reports' own totals do: the last attempt decides, and a test that both passed and failed is
/// flaky in the run, as Surefire's flakyFailure says.
/// </summary>
public sealed class RepeatedCases
{
    private readonly Dictionary<long, (TestOutcome Outcome, bool Flaky)> seen = [];

    /// <summary>
    /// What makes two cases one test retried: the test's identity and its suite's host. Playwright writes each project
    /// as its own suite with the project as hostname, so one test in chromium and firefox stays two results (a failure
    /// in one project is not hidden by a pass in the other); retries (trainer, gotestsum) share the suite's host.
    /// </summary>
    public static long Key(string suite, ParsedCase c)
    {
        var key = TestIdentity.Key(suite, c.ClassName, c.Name);
        return c.Host is null ? key : key ^ ((long)StringComparer.Ordinal.GetHashCode(c.Host) << 21);
    }

    /// <summary>Tests by outcome, each test once.</summary>
    public int[] Counts { get; } = new int[4];

    public bool AnyFlaky { get; private set; }

    /// <summary>Records a case; for a repeat, returns the outcome and flag the test's one row now has.</summary>
    public (TestOutcome Outcome, bool Flaky)? Add(long key, ParsedCase c)
    {
        if (!seen.TryGetValue(key, out var earlier))
        {
            seen[key] = (c.Outcome, c.FlakyInRun);
            Counts[(int)c.Outcome]++;
            AnyFlaky |= c.FlakyInRun;
            return null;
        }
        var merged = Merge(earlier.Outcome, earlier.Flaky, c.Outcome, c.FlakyInRun);
        seen[key] = merged;
        Counts[(int)earlier.Outcome]--;
        Counts[(int)merged.Outcome]++;
        AnyFlaky |= merged.Flaky;
        return merged;
    }

    public static (TestOutcome Outcome, bool Flaky) Merge(TestOutcome earlier, bool earlierFlaky, TestOutcome later, bool laterFlaky)
    {
        var outcome = later == TestOutcome.Skipped ? earlier : later;
        var failed = IsFailure(earlier) || IsFailure(later);
        var passed = earlier == TestOutcome.Passed || later == TestOutcome.Passed;
        return (outcome, earlierFlaky || laterFlaky || (failed && passed));
    }

    /// <summary>The one case kept for a test seen twice: merged outcome, summed time, the first message and details.</summary>
    public static ParsedCase Merge(ParsedCase earlier, ParsedCase later, (TestOutcome Outcome, bool Flaky) merged) =>
        earlier with
        {
            Outcome = merged.Outcome,
            FlakyInRun = merged.Flaky,
            DurationMs = earlier.DurationMs + later.DurationMs,
            Message = earlier.Message ?? later.Message,
            Details = earlier.Details ?? later.Details,
        };

    private static bool IsFailure(TestOutcome outcome) => outcome is TestOutcome.Failed or TestOutcome.Error;
}
