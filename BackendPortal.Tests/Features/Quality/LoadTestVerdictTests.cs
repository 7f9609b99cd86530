using System.Text.Json;

namespace BackendPortal.Features.Quality;

public class LoadTestVerdictTests
{
    /// <summary>k6 --summary-export: values at the metric's top level, thresholds true when they FAILED.</summary>
    public const string SummaryExport = """
    {
      "root_group": { "name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e", "groups": [], "checks": [] },
      "metrics": {
        "checks": { "passes": 98, "fails": 2, "value": 0.98 },
        "http_req_duration": { "avg": 120.5, "min": 10.1, "med": 100.2, "max": 900.9, "p(90)": 210.3, "p(95)": 250.4, "thresholds": { "p(95)<500": false } },
        "http_req_duration{expected_response:true}": { "avg": 1, "min": 1, "med": 1, "max": 1, "p(90)": 1, "p(95)": 1 },
        "http_req_failed": { "passes": 5, "fails": 995, "thresholds": { "rate<0.01": false }, "value": 0.005 },
        "http_reqs": { "count": 1000, "rate": 99.5 },
        "iterations": { "count": 500, "rate": 49.7 },
        "vus_max": { "value": 20, "min": 20, "max": 20 }
      }
    }
    """;

    /// <summary>The data handleSummary receives: values under "values", thresholds as { "ok": bool }.</summary>
    public const string HandleSummary = """
    {
      "state": { "isStdOutTTY": false, "isStdErrTTY": false, "testRunDurationMs": 30012.3 },
      "metrics": {
        "http_req_duration": { "type": "trend", "contains": "time", "values": { "avg": 120.5, "min": 10.1, "med": 100.2, "max": 900.9, "p(90)": 210.3, "p(95)": 650.4, "p(99)": 880.1 },
          "thresholds": { "p(95)<500": { "ok": false }, "p(99)<1000": { "ok": true } } },
        "http_req_failed": { "type": "rate", "contains": "default", "values": { "rate": 0.02, "passes": 20, "fails": 980 } },
        "http_reqs": { "type": "counter", "contains": "default", "values": { "count": 1000, "rate": 33.3 } },
        "checks": { "type": "rate", "contains": "default", "values": { "rate": 0.99, "passes": 99, "fails": 1 } },
        "iterations": { "type": "counter", "contains": "default", "values": { "count": 1000, "rate": 33.3 } },
        "vus_max": { "type": "gauge", "contains": "default", "values": { "value": 50, "min": 50, "max": 50 } }
      },
      "root_group": { "name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e", "groups": [], "checks": [] }
    }
    """;

    private static K6Summary Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return K6Summary.Parse(doc.RootElement);
    }

    [Fact]
    public void Summary_export_shape_is_read_and_false_thresholds_passed()
    {
        var s = Parse(SummaryExport);
        Assert.Equal("summary-export", s.Shape);
        Assert.Equal(250.4, s.P95Ms);
        Assert.Equal(210.3, s.P90Ms);
        Assert.Null(s.P99Ms);
        Assert.Equal(120.5, s.AvgMs);
        Assert.Equal(100.2, s.MedMs);
        Assert.Equal(1000, s.Requests);
        Assert.Equal(99.5, s.Rps);
        Assert.Equal(0.005, s.ErrorRate);
        Assert.Equal(0.98, s.ChecksPassRate);
        Assert.Equal(500, s.Iterations);
        Assert.Equal(20, s.VusMax);
        Assert.Equal(2, s.Thresholds.Count);
        Assert.All(s.Thresholds, t => Assert.True(t.Ok));
    }

    [Fact]
    public void Summary_export_true_threshold_means_it_failed()
    {
        var s = Parse(SummaryExport.Replace("\"p(95)<500\": false", "\"p(95)<500\": true"));
        Assert.False(s.Thresholds.Single(t => t.Expression == "p(95)<500").Ok);
    }

    [Fact]
    public void HandleSummary_shape_is_read_with_ok_flags()
    {
        var s = Parse(HandleSummary);
        Assert.Equal("handleSummary", s.Shape);
        Assert.Equal(650.4, s.P95Ms);
        Assert.Equal(880.1, s.P99Ms);
        Assert.Equal(0.02, s.ErrorRate);
        Assert.Equal(33.3, s.Rps);
        Assert.Equal(50, s.VusMax);
        Assert.False(s.Thresholds.Single(t => t.Expression == "p(95)<500").Ok);
        Assert.True(s.Thresholds.Single(t => t.Expression == "p(99)<1000").Ok);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"metrics\": 3}")]
    [InlineData("{\"metrics\": {\"vus\": {\"value\": 1}}}")]
    public void Json_that_is_not_a_k6_summary_is_refused(string json) =>
        Assert.Throws<ReportRejectedException>(() => Parse(json));

    private static K6Summary Run(double p95, double rps = 100, double errors = 0) => new() { P95Ms = p95, Rps = rps, ErrorRate = errors };

    [Fact]
    public void No_budget_no_thresholds_no_previous_passes()
    {
        var (passed, reasons) = LoadTestVerdict.Judge(Run(300), null, null, 20);
        Assert.True(passed);
        Assert.Empty(reasons);
    }

    [Fact]
    public void Each_budget_line_gives_its_own_reason()
    {
        var (passed, reasons) = LoadTestVerdict.Judge(Run(600, rps: 40, errors: 0.05), new LoadTestVerdict.Budget(500, 0.01, 50), null, 20);
        Assert.False(passed);
        Assert.Equal(3, reasons.Count);
        Assert.Contains(reasons, r => r.Contains("p95 600 ms exceeds the budget of 500 ms"));
        Assert.Contains(reasons, r => r.Contains("error rate 5% exceeds the budget of 1%"));
        Assert.Contains(reasons, r => r.Contains("below the budget of 50 req/s"));
    }

    [Fact]
    public void Exactly_on_budget_passes()
    {
        Assert.True(LoadTestVerdict.Judge(Run(500, rps: 50, errors: 0.01), new LoadTestVerdict.Budget(500, 0.01, 50), null, 20).Passed);
    }

    [Fact]
    public void A_failed_k6_threshold_fails_the_verdict()
    {
        var run = Run(100);
        run.Thresholds.Add(new K6Threshold("http_req_duration", "p(95)<50", false));
        run.Thresholds.Add(new K6Threshold("checks", "rate>0.9", true));
        var (passed, reasons) = LoadTestVerdict.Judge(run, null, null, 20);
        Assert.False(passed);
        Assert.Equal("k6 threshold http_req_duration 'p(95)<50' failed", Assert.Single(reasons));
    }

    [Theory]
    [InlineData(100, 120, true)]
    [InlineData(100, 120.5, false)]
    [InlineData(100, 80, true)]
    public void P95_regression_beyond_the_percentage_fails(double previous, double current, bool expected)
    {
        var (passed, reasons) = LoadTestVerdict.Judge(Run(current), null, previous, 20);
        Assert.Equal(expected, passed);
        if (!expected)
        {
            Assert.Contains("regressed", Assert.Single(reasons));
        }
    }
}
