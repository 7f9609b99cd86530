using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Features.Tokens;
using BackendPortal.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace BackendPortal.Bench;

/// <summary>
/// Issue 5: ingest (parse + score + diff against the previous version + store) of a ~5 MB generated
/// spec over HTTP, and the first render of its reference view, both server-side (index loaded cold
/// and the component rendered to HTML) and in Chromium (navigation until the first operation shows).
/// APIS_BENCH_MB (default 5) or APIS_BENCH_RESOURCES, APIS_BENCH_WARMUP (uploads before the samples, default 3),
/// APIS_BENCH_SAMPLES (ingest and server render, default 5) and
/// APIS_BENCH_BROWSER_SAMPLES (Chromium loads after a warm-up, default 20; 0 skips the browser) size a run.
/// </summary>
public sealed class ApisBench(BenchHost host, BenchReport report)
{
    private const double IngestTargetMs = 2000;
    private const double RenderTargetMs = 1000;

    public async Task RunAsync()
    {
        // About 2.8 KB and 5 operations per generated resource: size the spec to APIS_BENCH_MB (default 5 MiB).
        var perResource = Encoding.UTF8.GetByteCount(SampleSpecs.Generate(20)) / 20.0;
        var resources = Setting("APIS_BENCH_RESOURCES", (int)Math.Ceiling(Setting("APIS_BENCH_MB", 5) * 1024 * 1024 / perResource));
        var samples = Setting("APIS_BENCH_SAMPLES", 5);
        var sw = Stopwatch.StartNew();
        Console.WriteLine("APIs bench");
        var slug = "bench-orders-api";
        string token;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiCatalogService>().CreateAsync(Actor.System, new ApiInput
            {
                Slug = slug,
                Name = "Bench API",
                Type = "openapi",
                Lifecycle = "production",
                Owner = host.Dataset.Teams[0].Slug,
            });
            var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("bench-admin@example.com");
            token = (await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(admin!.Id, "bench-apis", [TokenScopes.Read, TokenScopes.Write], 1)).Token;
        }
        using var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var first = SampleSpecs.Generate(resources, "base");
        var bytes = Encoding.UTF8.GetByteCount(first);
        int operations;
        using (var doc = JsonDocument.Parse(first))
        {
            // Path items also hold "parameters", "summary" and the like: count only the methods.
            string[] methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
            operations = doc.RootElement.GetProperty("paths").EnumerateObject().Sum(p => p.Value.EnumerateObject().Count(m => methods.Contains(m.Name)));
        }
        report.Add("APIs: spec", FormattableString.Invariant($"generated OpenAPI 3.0 JSON, {bytes / 1024.0 / 1024.0:F1} MiB, {operations:N0} operations ({resources:N0} resources, shared and recursive schemas, vendor extensions)"));
        Console.WriteLine(FormattableString.Invariant($"  spec: {bytes / 1024.0 / 1024.0:F1} MiB, {operations:N0} operations"));

        // The server's per-stage timings (ApiIngestMetrics), collected only while samples run.
        var stages = new StageCollector();
        using var listener = stages.Listen();
        using var largeObjects = new LargeObjectSampler();

        // The first upload has no previous version; it and the next few (APIS_BENCH_WARMUP, default 3) run while the
        // JIT is still tiering up the parser, index and diff and the GC is sizing its heaps. They are timed and
        // reported apart from the samples: a fresh process's first uploads, not the steady state.
        await UploadAsync(client, slug, first, "base");
        var warmups = new List<double>();
        var warmupCount = Setting("APIS_BENCH_WARMUP", 3);
        for (var w = 0; w < warmupCount; w++)
        {
            // Alternating as the samples do, ending on an unchanged version so the first sample's changes are new.
            var warmChanged = (warmupCount - 1 - w) % 2 == 1;
            var warm = SampleSpecs.Generate(resources, "warm" + w.ToString(CultureInfo.InvariantCulture), dropLastResource: warmChanged, extraRequiredParam: warmChanged);
            var warmStart = Stopwatch.GetTimestamp();
            using var _ = await UploadAsync(client, slug, warm, "warm" + w.ToString(CultureInfo.InvariantCulture));
            warmups.Add(Stopwatch.GetElapsedTime(warmStart).TotalMilliseconds);
        }
        var times = new List<double>();
        var cpu = new List<double>();
        var allocated = new List<double>();
        var gcs = new int[3];
        for (var i = 0; i < samples; i++)
        {
            var label = "v" + (i + 1).ToString(CultureInfo.InvariantCulture);
            // Every other version drops a resource and adds a required parameter, so the diff has work to report.
            var changed = i % 2 == 0;
            var text = SampleSpecs.Generate(resources, label, dropLastResource: changed, extraRequiredParam: changed);
            var gcBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
            var bytesBefore = GC.GetTotalAllocatedBytes(false);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            stages.Recording = true;
            largeObjects.Recording = true;
            var start = Stopwatch.GetTimestamp();
            using var result = await UploadAsync(client, slug, text, label);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            stages.Recording = false;
            largeObjects.Recording = false;
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
            allocated.Add((GC.GetTotalAllocatedBytes(false) - bytesBefore) / 1024.0 / 1024.0);
            for (var g = 0; g < 3; g++)
            {
                gcs[g] += GC.CollectionCount(g) - gcBefore[g];
            }
            var breaking = result.RootElement.GetProperty("breakingChanges").GetArrayLength();
            Check(!changed || breaking > 0, $"version {label} should report breaking changes");
        }
        var ingest = LatencyStats.From($"apis ingest of a {bytes / 1024.0 / 1024.0:F1} MiB spec (POST, parse + score + diff + store)", times, 0) with
        {
            Target = IngestTargetMs,
            CpuMsPerRequest = cpu.Average(),
        };
        report.Add(ingest);
        report.Add($"APIs: ingest p95 (target < {IngestTargetMs / 1000:F0} s)", FormattableString.Invariant(
            $"**p95 {ingest.P95:F0} ms** (p50 {ingest.P50:F0} ms, max {ingest.Max:F0} ms) over {times.Count} uploads; process CPU per ingest p50 {Median(cpu):F0} ms (max {cpu.Max():F0}); {Median(allocated):F0} MiB allocated per ingest; GCs over all samples gen0 {gcs[0]}, gen1 {gcs[1]}, gen2 {gcs[2]} {(ingest.MeetsTarget ? "✓" : "✗")}"));
        report.Add("APIs: ingest warm-up (a fresh process's uploads after the first, not samples)", warmups.Count == 0 ? "none"
            : string.Join(", ", warmups.Select(w => FormattableString.Invariant($"{w:F0} ms"))));
        report.Add("APIs: ingest stages (server, p50 / max ms, p50 MiB allocated)", stages.Summary(times));
        Console.WriteLine("  stages: " + stages.Summary(times));
        Console.WriteLine("  each upload (ms, CPU ms): " + string.Join(", ", times.Zip(cpu, (t, c) => FormattableString.Invariant($"{t:F0}/{c:F0}"))));
        // Sampled (the runtime's allocation tick, about one per 100 KB) and asynchronous: let the last events arrive.
        await Task.Delay(1000);
        report.Add("APIs: large-object heap allocations per ingest (sampled, client and server, by type)", largeObjects.Summary(times.Count));
        Console.WriteLine("  large objects: " + largeObjects.Summary(times.Count));

        await ServerRenderAsync(slug, samples);
        // APIS_BENCH_BROWSER_SAMPLES=0 skips Chromium (an ingest-only run).
        var browserSamples = int.TryParse(Environment.GetEnvironmentVariable("APIS_BENCH_BROWSER_SAMPLES"), CultureInfo.InvariantCulture, out var b) && b >= 0 ? b : 20;
        if (browserSamples > 0)
        {
            await BrowserRenderAsync(slug, browserSamples);
        }
        Console.WriteLine($"APIs bench done in {sw.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The reference's server-side first render as the prerender does it, with the index cache cleared: the stored head
    /// (or, for a version without one, the whole index) read from the database, then the component rendered to HTML.
    /// </summary>
    private async Task ServerRenderAsync(string slug, int samples)
    {
        var times = new List<double>();
        var html = 0;
        var rowsInHtml = 0;
        for (var i = 0; i <= samples; i++)
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ApiIndexCache>().Clear();
            var start = Stopwatch.GetTimestamp();
            var specs = scope.ServiceProvider.GetRequiredService<ApiSpecService>();
            var latest = await specs.ReferenceStartAsync(slug, null) ?? throw new InvalidOperationException("no version stored");
            await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
            var markup = await renderer.Dispatcher.InvokeAsync(async () =>
            {
                var output = await renderer.RenderComponentAsync<ApiReference>(ParameterView.FromDictionary(new Dictionary<string, object?>
                {
                    [nameof(ApiReference.Index)] = latest.Index,
                    [nameof(ApiReference.Head)] = latest.Head,
                }));
                return output.ToHtmlString();
            });
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var operationCount = latest.Index?.Operations.Count ?? latest.Head!.OperationCount;
            // The full index the head started loading in the background: let it finish before the next sample.
            await specs.IndexAsync(slug, null);
            // The first pass is a warm-up (JIT, component types).
            if (i > 0)
            {
                times.Add(elapsed);
            }
            html = markup.Length;
            // The list is virtualised below its first screen, which is in the HTML.
            Check(markup.Contains(FormattableString.Invariant($"{operationCount} operations"), StringComparison.Ordinal), "the reference did not render");
            rowsInHtml = CountOf(markup, "class=\"api-ref-op");
        }
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var sizes = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(
                db.ApiVersions.Where(v => v.Api.Slug == slug).OrderByDescending(v => v.Sequence).Select(v => new { Head = v.Head!.Length, Index = v.Index.Length }));
            report.Add("APIs: stored head and index of the latest version (gzip'd)", FormattableString.Invariant($"head {sizes.Head / 1024.0:F1} KiB, index {sizes.Index / 1024.0:F0} KiB"));
            Console.WriteLine(FormattableString.Invariant($"  stored head {sizes.Head / 1024.0:F1} KiB, index {sizes.Index / 1024.0:F0} KiB (gzip'd)"));
        }
        var stats = LatencyStats.From("apis reference server render (stored head from the database, cold cache, to HTML)", times, 0) with { Target = RenderTargetMs };
        report.Add(stats);
        report.Add($"APIs: reference first render, server side (target < {RenderTargetMs / 1000:F0} s)", FormattableString.Invariant(
            $"**p95 {stats.P95:F0} ms** (p50 {stats.P50:F0} ms) over {times.Count} renders, {html / 1024.0:F0} KiB of HTML with {rowsInHtml} list rows (the rest is virtualised) {(stats.MeetsTarget ? "✓" : "✗")}"));
    }

    /// <summary>In Chromium, signed in: from navigation to the first operation of the reference visible on the live page.</summary>
    private async Task BrowserRenderAsync(string slug, int samples)
    {
        var email = await host.CreateViewerAsync("bench-apis-viewer@example.com");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var baseUrl = host.Address.ToString().TrimEnd('/');
        string state;
        await using (var login = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl }))
        {
            var page = await login.NewPageAsync();
            await page.GotoAsync("/Account/Login");
            await page.Locator("#Input\\.Email").FillAsync(email);
            await page.Locator("#Input\\.Password").FillAsync(BenchHost.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));
            state = await login.StorageStateAsync();
        }
        var times = new List<double>();
        var interactive = new List<double>();
        var traces = new List<StartupTrace>();
        var paints = new List<PaintTrace>();
        // Two warm-up loads (JIT, component types, Chromium's first renderer process), then the samples.
        const int warmUp = 2;
        for (var i = 0; i < samples + warmUp; i++)
        {
            host.Services.GetRequiredService<ApiIndexCache>().Clear();
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, StorageState = state });
            await StartupTrace.AttachAsync(context, ".api-ref-op");
            var page = await context.NewPageAsync();
            var start = Stopwatch.GetTimestamp();
            await page.GotoAsync($"/apis/{slug}/reference", new() { WaitUntil = WaitUntilState.Commit });
            await page.Locator(".api-ref-op").First.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 60_000 });
            var shown = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var live = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var trace = await StartupTrace.ReadAsync(page);
            var paint = await PaintTrace.ReadAsync(page, shown);
            if (i == warmUp)
            {
                Console.WriteLine($"  one load, resource by resource (ms since navigation start):\n{await StartupTrace.DetailAsync(page)}");
            }
            if (i >= warmUp)
            {
                times.Add(shown);
                interactive.Add(live);
                traces.Add(trace);
                paints.Add(paint);
            }
        }
        var stats = LatencyStats.From("apis reference in Chromium: first operation visible (navigation to the first row shown)", times, 0) with { Target = RenderTargetMs };
        report.Add(stats);
        var liveStats = LatencyStats.From("apis reference in Chromium: interactive (navigation to the circuit's marker)", interactive, 0) with { Target = RenderTargetMs };
        report.Add(liveStats);
        report.Add($"APIs: reference first render in the browser (target < {RenderTargetMs / 1000:F0} s, judged on the first content visible)", FormattableString.Invariant(
            $"first operation visible **p50 {stats.P50:F0} ms / p95 {stats.P95:F0} ms** {(stats.MeetsTarget ? "✓" : "✗")}; interactive (circuit live) p50 {liveStats.P50:F0} ms / p95 {liveStats.P95:F0} ms {(liveStats.MeetsTarget ? "✓" : "✗")}; over {times.Count} fresh contexts with a cold index cache"));
        report.Add("APIs: reference page load, step by step", StartupTrace.Summarise(traces));
        var breakdown = PaintTrace.Summarise(paints);
        report.Add($"APIs: reference first render, breakdown (p50 / p95 ms since navigation start, n={paints.Count})", breakdown);
        Console.WriteLine("  breakdown: " + breakdown);
    }

    /// <summary>
    /// What stands between the server's HTML and the first row on screen, from Navigation/Resource/Paint Timing on the
    /// page's own clock: the HTML, each stylesheet (render-blocking), the scripts, the first row in the DOM, first
    /// contentful paint, and the wall-clock rest (Playwright, a fresh renderer process, polling).
    /// </summary>
    private sealed record PaintTrace(
        double HtmlStart, double HtmlEnd, double CssEnd, double MudCssEnd, double AppCssEnd, double BlazorJsEnd, double RowInDom,
        double Fcp, double DomContentLoaded, double Interactive, double Wall, long HtmlBytes, long CssBytes, long CssDecoded)
    {
        public static async Task<PaintTrace> ReadAsync(IPage page, double wall)
        {
            var json = await page.EvaluateAsync<string>("""
                () => {
                  const nav = performance.getEntriesByType('navigation')[0];
                  const res = performance.getEntriesByType('resource');
                  const end = f => { const r = res.find(r => r.name.includes(f)); return r ? r.responseEnd : -1; };
                  const css = res.filter(r => r.initiatorType === 'link' && /\.css(\?|$)/.test(r.name));
                  const fcp = performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint');
                  return JSON.stringify({
                    hs: nav.responseStart, he: nav.responseEnd, dcl: nav.domContentLoadedEventEnd,
                    css: css.reduce((m, r) => Math.max(m, r.responseEnd), -1), mud: end('MudBlazor.min.css'), app: end('app.'),
                    bjs: end('blazor.web'), row: window.__trace.content, fcp: fcp ? fcp.startTime : -1, live: window.__trace.interactive,
                    hb: nav.encodedBodySize || 0, cb: css.reduce((s, r) => s + (r.encodedBodySize || 0), 0),
                    cd: css.reduce((s, r) => s + (r.decodedBodySize || 0), 0),
                  });
                }
                """);
            var e = JsonDocument.Parse(json).RootElement;
            double D(string n) => e.GetProperty(n).GetDouble();
            return new PaintTrace(D("hs"), D("he"), D("css"), D("mud"), D("app"), D("bjs"), D("row"), D("fcp"), D("dcl"), D("live"), wall,
                e.GetProperty("hb").GetInt64(), e.GetProperty("cb").GetInt64(), e.GetProperty("cd").GetInt64());
        }

        public static string Summarise(IReadOnlyList<PaintTrace> t)
        {
            string S(Func<PaintTrace, double> f)
            {
                var v = t.Select(f).Where(x => x >= 0).ToList();
                if (v.Count == 0)
                {
                    return "–";
                }
                var s = LatencyStats.From("", v, 0);
                return FormattableString.Invariant($"{s.P50:F0} / {s.P95:F0}");
            }
            return FormattableString.Invariant(
                $"HTML first byte {S(x => x.HtmlStart)}, HTML end {S(x => x.HtmlEnd)} ({t[0].HtmlBytes / 1024.0:F0} KiB); ") + FormattableString.Invariant(
                $"stylesheets loaded {S(x => x.CssEnd)} (MudBlazor.min.css {S(x => x.MudCssEnd)}, app.css {S(x => x.AppCssEnd)}; {t[0].CssBytes / 1024.0:F0} KiB sent, {t[0].CssDecoded / 1024.0:F0} KiB decoded); ") + FormattableString.Invariant(
                $"first row in the DOM {S(x => x.RowInDom)}; first contentful paint {S(x => x.Fcp)}; blazor.web.js loaded {S(x => x.BlazorJsEnd)}; DOMContentLoaded {S(x => x.DomContentLoaded)}; ") + FormattableString.Invariant(
                $"interactive marker {S(x => x.Interactive)}; wall clock to the row visible {S(x => x.Wall)}, of which outside the page's clock (Playwright, new renderer, polling) {S(x => x.Fcp >= 0 ? x.Wall - x.Fcp : -1)}");
        }
    }

    private static double Median(List<double> values) => LatencyStats.From("", values, 0).P50;

    /// <summary>
    /// Large-object-heap allocations by type while samples run, from the runtime's GCAllocationTick events (one per
    /// ~100 KB allocated, naming the type that crossed it): what drives the gen2 collections. The bench's client (the
    /// generated text, the request and response bodies) runs in the same process and is counted too.
    /// </summary>
    private sealed class LargeObjectSampler : System.Diagnostics.Tracing.EventListener
    {
        private readonly Dictionary<string, long> bytes = [];

        public volatile bool Recording;

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                // Keyword 0x1 is GC; the allocation tick is a verbose event.
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (!Recording || e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null || e.PayloadNames is null)
            {
                return;
            }
            // AllocationKind 1 is the large object heap.
            if (Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("AllocationKind")], CultureInfo.InvariantCulture) != 1)
            {
                return;
            }
            var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
            var type = e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
            lock (bytes)
            {
                bytes[type] = bytes.GetValueOrDefault(type) + amount;
            }
        }

        public string Summary(int samples)
        {
            lock (bytes)
            {
                var total = bytes.Values.Sum() / 1024.0 / 1024.0 / Math.Max(1, samples);
                return FormattableString.Invariant($"{total:F1} MiB: ") + string.Join(", ", bytes.OrderByDescending(b => b.Value).Take(6)
                    .Select(b => FormattableString.Invariant($"{b.Key} {b.Value / 1024.0 / 1024.0 / Math.Max(1, samples):F1}")));
            }
        }
    }

    /// <summary>Collects <see cref="ApiIngestMetrics"/> per stage from the in-process server.</summary>
    private sealed class StageCollector
    {
        private readonly Dictionary<string, (List<double> Ms, List<double> Mib)> stages = [];

        public volatile bool Recording;

        public MeterListener Listen()
        {
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == ApiIngestMetrics.MeterName)
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument.Name, value, tags));
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument.Name, value / 1024.0 / 1024.0, tags));
            listener.Start();
            return listener;
        }

        private void Add(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (!Recording)
            {
                return;
            }
            var stage = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "stage")
                {
                    stage = tag.Value as string ?? "";
                }
            }
            lock (stages)
            {
                if (!stages.TryGetValue(stage, out var lists))
                {
                    stages[stage] = lists = ([], []);
                }
                (instrument == ApiIngestMetrics.DurationName ? lists.Ms : lists.Mib).Add(value);
            }
        }

        /// <summary>"parse 812 / 1490 ms 301 MiB; ..." in server order, then what the stages do not cover (HTTP, writing the response).</summary>
        public string Summary(List<double> wall)
        {
            lock (stages)
            {
                var parts = stages.Where(s => s.Value.Ms.Count > 0).Select(s => FormattableString.Invariant(
                    $"{s.Key} {Median(s.Value.Ms):F0} / {s.Value.Ms.Max():F0} ms {(s.Value.Mib.Count > 0 ? Median(s.Value.Mib) : 0):F0} MiB")).ToList();
                var covered = stages.Values.Where(v => v.Ms.Count > 0).Sum(v => v.Ms.Sum()) / Math.Max(1, wall.Count);
                parts.Add(FormattableString.Invariant($"outside the stages (HTTP, response) {wall.Average() - covered:F0} ms on average"));
                return string.Join("; ", parts);
            }
        }
    }

    private static async Task<JsonDocument> UploadAsync(HttpClient client, string slug, string text, string label)
    {
        using var content = new StringContent(text, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/api/v1/apis/{slug}/versions?version={label}", content);
        var body = await response.Content.ReadAsStringAsync();
        Check(response.IsSuccessStatusCode, $"upload of {label} answered {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
        return JsonDocument.Parse(body);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new InvalidOperationException("Bench sanity check failed: " + message);
        }
    }
}
