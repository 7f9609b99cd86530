using System.Text.Json;

namespace BackendPortal.Features.Quality;

public sealed record K6Threshold(string Metric, string Expression, bool Ok);

/// <summary>The numbers the portal keeps from a k6 end-of-test summary.</summary>
public sealed class K6Summary
{
    public string Shape { get; set; } = "";
    public double? AvgMs { get; set; }
    public double? MinMs { get; set; }
    public double? MedMs { get; set; }
    public double? MaxMs { get; set; }
    public double? P90Ms { get; set; }
    public double? P95Ms { get; set; }
    public double? P99Ms { get; set; }
    public long? Requests { get; set; }
    public double? Rps { get; set; }
    public double? ErrorRate { get; set; }
    public double? ChecksPassRate { get; set; }
    public long? Iterations { get; set; }
    public long? VusMax { get; set; }
    public List<K6Threshold> Thresholds { get; } = [];

    /// <summary>
    /// Reads both shapes k6 writes: <c>--summary-export</c> (metric fields at the top level, thresholds
    /// as <c>{"p(95)&lt;500": false}</c> where true means it FAILED) and the <c>handleSummary</c> data
    /// (fields under <c>values</c>, thresholds as <c>{"p(95)&lt;500": {"ok": false}}</c>).
    /// </summary>
    public static K6Summary Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Object)
        {
            throw new ReportRejectedException("This is not a k6 summary: it has no \"metrics\" object. Send the file from --summary-export or the data handleSummary receives.");
        }
        var handleSummary = metrics.EnumerateObject().Any(m => m.Value.ValueKind == JsonValueKind.Object && m.Value.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Object);
        var summary = new K6Summary { Shape = handleSummary ? "handleSummary" : "summary-export" };
        foreach (var metric in metrics.EnumerateObject())
        {
            if (metric.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var values = handleSummary && metric.Value.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Object ? v : metric.Value;
            switch (metric.Name)
            {
                case "http_req_duration":
                    summary.AvgMs = Number(values, "avg");
                    summary.MinMs = Number(values, "min");
                    summary.MedMs = Number(values, "med");
                    summary.MaxMs = Number(values, "max");
                    summary.P90Ms = Number(values, "p(90)");
                    summary.P95Ms = Number(values, "p(95)");
                    summary.P99Ms = Number(values, "p(99)");
                    break;
                case "http_reqs":
                    summary.Requests = Count(values, "count");
                    summary.Rps = Number(values, "rate");
                    break;
                case "http_req_failed":
                    summary.ErrorRate = RateOf(values, handleSummary);
                    break;
                case "checks":
                    summary.ChecksPassRate = RateOf(values, handleSummary);
                    break;
                case "iterations":
                    summary.Iterations = Count(values, "count");
                    break;
                case "vus_max":
                    summary.VusMax = Count(values, "max") ?? Count(values, "value");
                    break;
            }
            if (metric.Value.TryGetProperty("thresholds", out var thresholds) && thresholds.ValueKind == JsonValueKind.Object)
            {
                foreach (var t in thresholds.EnumerateObject())
                {
                    bool? ok = t.Value.ValueKind switch
                    {
                        JsonValueKind.True => false,
                        JsonValueKind.False => true,
                        JsonValueKind.Object when t.Value.TryGetProperty("ok", out var okValue) && okValue.ValueKind is JsonValueKind.True or JsonValueKind.False => okValue.GetBoolean(),
                        _ => null,
                    };
                    if (ok is { } value)
                    {
                        summary.Thresholds.Add(new K6Threshold(metric.Name, t.Name, value));
                    }
                }
            }
        }
        if (summary.P95Ms is null && summary.Rps is null && summary.ErrorRate is null)
        {
            throw new ReportRejectedException("The k6 summary has none of http_req_duration p(95), http_reqs rate or http_req_failed rate; add \"p(95)\" to summaryTrendStats or export the HTTP metrics.");
        }
        return summary;
    }

    /// <summary>A rate metric: "rate" in handleSummary; "value" in --summary-export (where "passes" counts the true values).</summary>
    private static double? RateOf(JsonElement values, bool handleSummary) =>
        Number(values, handleSummary ? "rate" : "value") ?? Number(values, "rate") ?? Number(values, "value");

    private static double? Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;

    private static long? Count(JsonElement obj, string name) => Number(obj, name) is { } d ? (long)Math.Round(d) : null;
}

public static class LoadTestVerdict
{
    public sealed record Budget(double? P95Ms, double? MaxErrorRate, double? MinRps);

    /// <summary>Pass unless a budget is exceeded, a k6 threshold failed, or p95 regressed beyond the allowed percentage.</summary>
    public static (bool Passed, List<string> Reasons) Judge(K6Summary run, Budget? budget, double? previousP95, double regressionPercent)
    {
        var reasons = new List<string>();
        if (budget?.P95Ms is { } p95Budget && run.P95Ms is { } p95 && p95 > p95Budget)
        {
            reasons.Add($"p95 {Ms(p95)} exceeds the budget of {Ms(p95Budget)}");
        }
        if (budget?.MaxErrorRate is { } maxErrors && run.ErrorRate is { } errors && errors > maxErrors)
        {
            reasons.Add($"error rate {Pct(errors)} exceeds the budget of {Pct(maxErrors)}");
        }
        if (budget?.MinRps is { } minRps && run.Rps is { } rps && rps < minRps)
        {
            reasons.Add($"throughput {rps:0.##} req/s is below the budget of {minRps:0.##} req/s");
        }
        foreach (var t in run.Thresholds.Where(t => !t.Ok))
        {
            reasons.Add($"k6 threshold {t.Metric} '{t.Expression}' failed");
        }
        if (previousP95 is { } previous && previous > 0 && run.P95Ms is { } current
            && (current - previous) / previous * 100 > regressionPercent)
        {
            reasons.Add($"p95 regressed {(current - previous) / previous * 100:0.#}% against the previous run ({Ms(previous)} → {Ms(current)}); the limit is {regressionPercent:0.#}%");
        }
        return (reasons.Count == 0, reasons);
    }

    private static string Ms(double value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " ms";

    private static string Pct(double rate) => (rate * 100).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
