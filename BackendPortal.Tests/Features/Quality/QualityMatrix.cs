using System.Net.Http.Json;
using System.Text;
using BackendPortal.Integration;
using BackendPortal.Security;

namespace BackendPortal.Features.Quality;

/// <summary>Requests for the authorization matrix rows of the Quality routes, each with fresh data where the call needs it.</summary>
public static class QualityMatrix
{
    public static async Task<long> SeedRunAsync(MatrixData data, string xml, string? commit = null)
    {
        await using var spool = await UploadSpool.FromBytesAsync((null, Encoding.UTF8.GetBytes(xml)));
        var result = await data.Factory.WithServiceAsync<TestRunIngestService, IngestResult>(s =>
            s.IngestAsync(Actor.System, data.ServiceSlug, new TestRunInput("matrix", commit, null, null), spool, null, default));
        return System.Text.Json.JsonDocument.Parse(result.Json).RootElement.GetProperty("id").GetInt64();
    }

    public static async Task<int> SeedFlakyAsync(MatrixData data)
    {
        var name = Infrastructure.PortalFactory.Unique("test");
        await SeedRunAsync(data, QualityApiTests.OneTest(pass: true, name), "same");
        await SeedRunAsync(data, QualityApiTests.OneTest(pass: false, name), "same");
        var flaky = await data.Factory.WithServiceAsync<FlakyTestService, IReadOnlyList<FlakyTestDetails>>(s => s.ListAsync(data.ServiceSlug));
        return flaky.Single(f => f.Name == name).Id;
    }

    public static Task<HttpRequestMessage> PostRun(MatrixData data, Caller _) =>
        Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/services/{data.ServiceSlug}/test-runs")
        {
            Content = new StringContent("<testsuite><testcase name='a'/></testsuite>", Encoding.UTF8, "application/xml"),
        });

    public static async Task<HttpRequestMessage> GetRun(MatrixData data, Caller _) =>
        new(HttpMethod.Get, $"/api/v1/services/{data.ServiceSlug}/test-runs/{await SeedRunAsync(data, "<testsuite><testcase name='a'/></testsuite>")}");

    public static async Task<HttpRequestMessage> Quarantine(MatrixData data, Caller _) =>
        new(HttpMethod.Put, $"/api/v1/services/{data.ServiceSlug}/flaky-tests/{await SeedFlakyAsync(data)}/quarantine")
        {
            Content = JsonContent.Create(new { quarantined = true, note = "matrix" }),
        };

    public static Task<HttpRequestMessage> PostLoadTest(MatrixData data, Caller _) =>
        Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/services/{data.ServiceSlug}/load-tests")
        {
            Content = new StringContent(LoadTestVerdictTests.SummaryExport, Encoding.UTF8, "application/json"),
        });

    public static async Task<HttpRequestMessage> GetBudget(MatrixData data, Caller _)
    {
        await data.Factory.WithServiceAsync<LoadTestService, LoadTestBudgetDetails>(s =>
            s.SetBudgetAsync(Actor.System, data.ServiceSlug, new LoadTestBudgetInput { P95Ms = 500 }));
        return new HttpRequestMessage(HttpMethod.Get, $"/api/v1/services/{data.ServiceSlug}/load-test-budget");
    }

    public static Task<HttpRequestMessage> PutBudget(MatrixData data, Caller _) =>
        Task.FromResult(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{data.ServiceSlug}/load-test-budget")
        {
            Content = JsonContent.Create(new { p95Ms = 400, maxErrorRate = 0.01, minRps = 10 }),
        });
}
