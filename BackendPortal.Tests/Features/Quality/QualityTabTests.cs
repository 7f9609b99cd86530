using System.Text;
using System.Text.Json;
using BackendPortal.Components;
using BackendPortal.Data;
using BackendPortal.Security;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Quality;

public class QualityTabTests : PortalTestContext
{
    private async Task<long> PostRunAsync(string slug, string xml, string? commit = null)
    {
        await using var spool = await UploadSpool.FromBytesAsync((null, Encoding.UTF8.GetBytes(xml)));
        var result = await Services.GetRequiredService<TestRunIngestService>()
            .IngestAsync(Actor.System, slug, new TestRunInput("unit", commit, "main", null), spool, null, default);
        return JsonDocument.Parse(result.Json).RootElement.GetProperty("id").GetInt64();
    }

    private async Task PostLoadTestAsync(string slug, string json)
    {
        using var doc = JsonDocument.Parse(json);
        await Services.GetRequiredService<LoadTestService>().IngestAsync(Actor.System, slug, doc.RootElement, "nightly", null);
    }

    private async Task SeedServiceAsync()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
    }

    [Fact]
    public async Task A_quarantined_failure_is_marked_and_left_out_of_the_pass_rate_and_failing_count()
    {
        await SeedServiceAsync();
        await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: true), "abc");
        await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: false), "abc");
        var flaky = Services.GetRequiredService<FlakyTestService>();
        var test = (await flaky.ListAsync("orders-api")).Single();
        await flaky.SetQuarantineAsync(Actor.System, "orders-api", test.Id, new QuarantineInput { Quarantined = true, Note = "JIRA-7" }, null);
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<QualityTab>(p => p.Add(x => x.ServiceSlug, "orders-api"));

        cut.WaitForAssertion(() => Assert.Contains("100%", cut.Find("[data-testid=quality-pass-rate]").TextContent));
        Assert.Contains("1 failing quarantined test left out", cut.Find("[data-testid=quality-quarantine-note]").TextContent);
        Assert.Equal("0", cut.Find("[data-testid=quality-failing] h4").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=failing-quarantined]"));
        Assert.Contains("leave out failures of quarantined tests", cut.Find("[data-testid=pass-rate-explained]").TextContent);
    }

    [Fact]
    public async Task Without_results_it_says_how_ci_posts_them()
    {
        await SeedServiceAsync();
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<QualityTab>(p => p.Add(x => x.ServiceSlug, "orders-api"));

        cut.WaitForAssertion(() => Assert.Contains("No test results yet", cut.Markup));
        Assert.Contains("/api/v1/services/orders-api/test-runs", cut.Markup);
    }

    [Fact]
    public async Task Shows_runs_trends_failing_slow_and_flaky_tests()
    {
        await SeedServiceAsync();
        await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: true), "abc");
        var last = await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: false), "abc");
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<QualityTab>(p => p.Add(x => x.ServiceSlug, "orders-api"));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=quality-runs] tbody tr").Count));
        Assert.Contains("50%", cut.Find("[data-testid=quality-pass-rate]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=quality-failing] h4").TextContent.Trim());
        Assert.NotNull(cut.Find($"a[href='/services/orders-api/test-runs/{last}']"));
        Assert.Contains("timeout after 30s", cut.Find("[data-testid=failing-list]").TextContent);
        Assert.Contains("test_checkout", cut.Find("[data-testid=flaky-list]").TextContent);
        Assert.Contains("passed and failed on commit abc", cut.Find("[data-testid=flaky-list]").TextContent);
        // Both trends draw a line (an SVG path) and say the latest value in words.
        var passRate = cut.Find("[data-testid=trend-pass-rate]");
        Assert.NotEmpty(passRate.QuerySelectorAll("svg path"));
        Assert.Contains("Latest 50%", passRate.TextContent);
        Assert.Contains("best 100%", passRate.TextContent);
        Assert.NotEmpty(cut.Find("[data-testid=trend-duration]").QuerySelectorAll("svg path"));
        // A viewer may look but not quarantine or set budgets.
        Assert.False(HasButton(cut, "Quarantine"));
        Assert.False(HasButton(cut, "Edit budget"));
    }

    [Fact]
    public async Task A_single_run_has_no_trend_line_yet()
    {
        await SeedServiceAsync();
        await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: true));
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<QualityTab>(p => p.Add(x => x.ServiceSlug, "orders-api"));

        cut.WaitForAssertion(() => Assert.Contains("Needs at least two runs", cut.Find("[data-testid=trend-pass-rate]").TextContent));
        Assert.Contains("Nothing is failing", cut.Markup);
        Assert.Contains("No flaky tests", cut.Markup);
    }

    [Fact]
    public async Task Qa_quarantines_a_flaky_test_with_a_note()
    {
        await SeedServiceAsync();
        await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: true), "abc");
        await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: false), "abc");
        await SignInAsync("Quinn QA", Roles.QA);
        var cut = Render<QualityTab>(p => p.Add(x => x.ServiceSlug, "orders-api"));
        cut.WaitForAssertion(() => Assert.True(HasButton(cut, "Quarantine")));

        Button(cut, "Quarantine").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("Quarantine flaky test", DialogProvider.Markup));
        // Without a note it says what is missing.
        DialogProvider.FindAll("button").Last(b => b.TextContent.Trim() == "Quarantine").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("Say why the test is quarantined", DialogProvider.Markup));
        DialogProvider.Find("textarea").Change("PAY-7: sandbox timeouts");
        DialogProvider.FindAll("button").Last(b => b.TextContent.Trim() == "Quarantine").Click();

        cut.WaitForAssertion(() => Assert.Contains("Quarantined", cut.Find("[data-testid=flaky-list]").TextContent));
        Assert.Contains("PAY-7: sandbox timeouts", cut.Find("[data-testid=flaky-list]").TextContent);
        Assert.True(HasButton(cut, "Lift quarantine"));
        var stored = await Services.GetRequiredService<FlakyTestService>().ListAsync("orders-api");
        Assert.True(stored.Single().Quarantined);
    }

    [Fact]
    public async Task An_engineer_of_the_owning_team_may_quarantine_and_another_may_not()
    {
        await SeedServiceAsync();
        await CreateTeamAsync("search", "Search");
        await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: true), "abc");
        await PostRunAsync("orders-api", QualityApiTests.OneTest(pass: false), "abc");

        await SignInAsync("Sam Search", Roles.Engineer, "search");
        var stranger = Render<QualityTab>(p => p.Add(x => x.ServiceSlug, "orders-api"));
        stranger.WaitForAssertion(() => Assert.Contains("test_checkout", stranger.Markup));
        Assert.False(HasButton(stranger, "Quarantine"));

        await SignInAsync("Pat Payments", Roles.Engineer, "payments");
        var owner = Render<QualityTab>(p => p.Add(x => x.ServiceSlug, "orders-api"));
        owner.WaitForAssertion(() => Assert.True(HasButton(owner, "Quarantine")));
    }

    [Fact]
    public async Task Load_tests_show_the_verdict_reasons_budget_and_charts()
    {
        await SeedServiceAsync();
        await PostLoadTestAsync("orders-api", LoadTestVerdictTests.SummaryExport);
        await PostLoadTestAsync("orders-api", LoadTestVerdictTests.HandleSummary);
        await SignInAsync("Quinn QA", Roles.QA);

        var cut = Render<QualityTab>(p => p.Add(x => x.ServiceSlug, "orders-api"));

        cut.WaitForAssertion(() => Assert.Contains("Fail", cut.Find("[data-testid=quality-load-verdict]").TextContent));
        Assert.Contains("k6 threshold http_req_duration 'p(95)<500' failed", cut.Find("[data-testid=load-reasons]").TextContent);
        Assert.Contains("regressed", cut.Find("[data-testid=load-reasons]").TextContent);
        Assert.Equal(2, cut.FindAll("[data-testid=load-tests] tbody tr").Count);
        Assert.NotEmpty(cut.Find("[data-testid=trend-p95]").QuerySelectorAll("svg path"));
        Assert.Contains("Latest 650.4 ms", cut.Find("[data-testid=trend-p95]").TextContent);
        Assert.NotEmpty(cut.Find("[data-testid=trend-rps]").QuerySelectorAll("svg path"));
        Assert.Contains("none set", cut.Find("[data-testid=load-budget]").TextContent);

        Button(cut, "Edit budget").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("p95 budget (ms)", DialogProvider.Markup));
        DialogProvider.FindAll("input")[0].Change("700");
        DialogProvider.FindAll("button").Last(b => b.TextContent.Trim() == "Save budget").Click();

        cut.WaitForAssertion(() => Assert.Contains("p95 ≤ 700 ms", cut.Find("[data-testid=load-budget]").TextContent));
    }
}

public class TestRunPageTests : PortalTestContext
{
    [Fact]
    public async Task Groups_failures_by_message_with_stack_traces_and_history()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        var ingest = Services.GetRequiredService<TestRunIngestService>();
        async Task<long> Post(string xml)
        {
            await using var spool = await UploadSpool.FromBytesAsync((null, Encoding.UTF8.GetBytes(xml)));
            var r = await ingest.IngestAsync(Actor.System, "orders-api", new TestRunInput(null, "c1", null, null), spool, null, default);
            return JsonDocument.Parse(r.Json).RootElement.GetProperty("id").GetInt64();
        }
        await Post("<testsuite><testcase classname='A' name='one'/></testsuite>");
        var id = await Post("""
            <testsuite>
              <testcase classname='A' name='one'><failure message='expected 3 but was 4'>at A.one(A.java:1)</failure></testcase>
              <testcase classname='A' name='two'><failure message='expected 10 but was 12'>at A.two(A.java:2)</failure></testcase>
              <testcase classname='B' name='three'><error message='Connection refused'>at B.three</error></testcase>
              <testcase classname='B' name='four'/>
            </testsuite>
            """);
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<TestRunPage>(p => p.Add(x => x.Slug, "orders-api").Add(x => x.RunId, id));

        cut.WaitForAssertion(() => Assert.Contains("Run #", cut.Find("h1").TextContent));
        Assert.Contains("4 tests: 1 passed, 2 failed, 1 errors", cut.Find("[data-testid=run-summary]").TextContent);
        var panels = cut.FindAll(".mud-expand-panel-header");
        Assert.Equal(2, panels.Count);
        Assert.Contains("2 × expected <n> but was <n>", panels[0].TextContent);
        Assert.Contains("1 × Connection refused", panels[1].TextContent);
        panels[0].Click();
        cut.WaitForAssertion(() => Assert.Contains("at A.one(A.java:1)", cut.Markup));
        // The history of "one": failed now, passed before.
        var history = cut.FindAll("[data-testid=history]").First();
        Assert.Equal(["Failed", "Passed"], history.QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public async Task An_unknown_run_says_so()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("orders-api", "Orders API", "payments");
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<TestRunPage>(p => p.Add(x => x.Slug, "orders-api").Add(x => x.RunId, 999));

        cut.WaitForAssertion(() => Assert.Contains("Test run not found", cut.Find("h1").TextContent));
    }
}

public class QualityDashboardPageTests : PortalTestContext
{
    [Fact]
    public async Task Lists_services_worst_first()
    {
        await CreateTeamAsync("payments", "Payments");
        await CreateServiceAsync("green-api", "Green API", "payments");
        await CreateServiceAsync("red-api", "Red API", "payments");
        await CreateServiceAsync("slow-api", "Slow API", "payments");
        await CreateServiceAsync("quiet-api", "Quiet API", "payments");
        var ingest = Services.GetRequiredService<TestRunIngestService>();
        async Task Post(string slug, string xml)
        {
            await using var spool = await UploadSpool.FromBytesAsync((null, Encoding.UTF8.GetBytes(xml)));
            await ingest.IngestAsync(Actor.System, slug, new TestRunInput(null, null, null, null), spool, null, default);
        }
        await Post("green-api", "<testsuite><testcase name='a'/></testsuite>");
        await Post("red-api", "<testsuite><testcase name='a'><failure message='x'/></testcase></testsuite>");
        await Post("slow-api", "<testsuite><testcase name='a'/></testsuite>");
        using (var doc = JsonDocument.Parse(LoadTestVerdictTests.SummaryExport.Replace("\"p(95)<500\": false", "\"p(95)<500\": true")))
        {
            await Services.GetRequiredService<LoadTestService>().IngestAsync(Actor.System, "slow-api", doc.RootElement, null, null);
        }
        await SignInAsync("Vera Viewer", Roles.Viewer);

        var cut = Render<QualityDashboardPage>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=dashboard-row]").Count));
        Assert.Equal(["Red API", "Slow API", "Green API"], cut.FindAll("[data-testid=dashboard-row] td:first-child").Select(td => td.TextContent.Trim()));
        Assert.Contains("Fail", cut.FindAll("[data-testid=dashboard-row]")[1].TextContent);

        cut.Find("input").Input("green");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=dashboard-row]")));
    }
}
