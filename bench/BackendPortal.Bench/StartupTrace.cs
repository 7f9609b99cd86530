using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace BackendPortal.Bench;

/// <summary>
/// Where the time of one page load goes, from the browser's own clock (milliseconds since the
/// navigation started): the HTML, blazor.web.js, the hub's negotiate request, the WebSocket and its
/// first frames, the first content rows and the interactive marker. An init script wraps
/// <c>WebSocket</c> and watches the DOM, so nothing depends on Playwright's event delivery.
/// </summary>
public sealed record StartupTrace(
    double HtmlResponseStart,
    double HtmlResponseEnd,
    double DomContentLoaded,
    double BlazorJsEnd,
    double MudJsEnd,
    double NegotiateStart,
    double NegotiateEnd,
    double SocketOpen,
    double FirstFrame,
    double Content,
    double Interactive,
    string Transport,
    int Frames,
    long Transferred)
{
    private const string Script = """
        (() => {
          const t = window.__trace = { ws: [], content: -1, interactive: -1 };
          const Native = window.WebSocket;
          function Traced(url, protocols) {
            const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
            const rec = { url: String(url), created: performance.now(), open: -1, first: -1, frames: 0 };
            t.ws.push(rec);
            ws.addEventListener('open', () => rec.open = performance.now());
            rec.log = [];
            const size = d => typeof d === 'string' ? d.length : (d.byteLength || d.size || 0);
            const dec = new TextDecoder();
            const head = d => {
              const text = typeof d === 'string' ? d : dec.decode(d);
              const marks = [];
              if (text.includes('data-testid') && text.includes('interactive')) marks.push('MARKER?');
              const m = text.match(/[A-Za-z][A-Za-z0-9_.]{5,}/g) || [];
              return marks.concat(m.slice(0, 6)).join(' ');
            };
            const send = ws.send.bind(ws);
            ws.send = d => { if (rec.log.length < 60) rec.log.push(['>', Math.round(performance.now()), size(d), head(d)]); return send(d); };
            ws.addEventListener('message', e => {
              if (rec.frames++ === 0) rec.first = performance.now();
              if (rec.log.length < 60) rec.log.push(['<', Math.round(performance.now()), size(e.data), head(e.data)]);
            });
            return ws;
          }
          Traced.prototype = Native.prototype;
          for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Traced[k] = Native[k];
          window.WebSocket = Traced;
          const check = () => {
            if (t.content < 0 && window.__traceContent && document.querySelector(window.__traceContent)) t.content = performance.now();
            if (t.interactive < 0 && document.querySelector('[data-testid=interactive]')) t.interactive = performance.now();
          };
          new MutationObserver(check).observe(document, { childList: true, subtree: true });
        })();
        """;

    /// <summary>Registers the tracing script on a context; call before its first page opens.</summary>
    public static Task AttachAsync(IBrowserContext context, string contentSelector) =>
        context.AddInitScriptAsync($"window.__traceContent = {JsonSerializer.Serialize(contentSelector)};\n{Script}");

    /// <summary>Reads the trace once the marker is present.</summary>
    public static async Task<StartupTrace> ReadAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("""
            () => {
              const nav = performance.getEntriesByType('navigation')[0];
              const res = performance.getEntriesByType('resource');
              const find = f => res.find(r => r.name.includes(f));
              const end = f => { const r = find(f); return r ? r.responseEnd : -1; };
              const neg = find('/_blazor/negotiate');
              const t = window.__trace;
              const ws = t.ws.find(w => w.url.includes('/_blazor')) || { open: -1, first: -1, frames: 0 };
              const polling = res.filter(r => r.name.includes('/_blazor?id=')).map(r => r.initiatorType);
              const transport = ws.open >= 0 ? 'WebSockets' : polling.length ? 'fallback (' + polling.join(',') + ')' : 'none';
              return JSON.stringify({
                rs: nav.responseStart, re: nav.responseEnd, dcl: nav.domContentLoadedEventEnd,
                bjs: end('blazor.web'), mjs: end('MudBlazor.min'),
                ns: neg ? neg.startTime : -1, ne: neg ? neg.responseEnd : -1,
                wo: ws.open, wf: ws.first, frames: ws.frames, content: t.content, interactive: t.interactive,
                transport, bytes: (nav.transferSize || 0) + res.reduce((s, r) => s + (r.transferSize || 0), 0),
              });
            }
            """);
        var e = JsonDocument.Parse(json).RootElement;
        double D(string n) => e.GetProperty(n).GetDouble();
        return new StartupTrace(D("rs"), D("re"), D("dcl"), D("bjs"), D("mjs"), D("ns"), D("ne"), D("wo"), D("wf"), D("content"), D("interactive"),
            e.GetProperty("transport").GetString() ?? "?", e.GetProperty("frames").GetInt32(), e.GetProperty("bytes").GetInt64());
    }

    /// <summary>Every resource and the first socket frames of the page, one line each (STARTUP_TRACE_DETAIL=1).</summary>
    public static async Task<string> DetailAsync(IPage page) =>
        await page.EvaluateAsync<string>("""
            () => {
              const lines = performance.getEntriesByType('resource').map(r =>
                `  res ${Math.round(r.startTime)}→${Math.round(r.responseEnd)} ms ${r.initiatorType} ${r.name.replace(location.origin, '')} transfer ${r.transferSize} B, body ${r.encodedBodySize}/${r.decodedBodySize} B`);
              const ws = window.__trace.ws.find(w => w.url.includes('/_blazor'));
              if (ws) lines.push(...ws.log.map(l => `  ws ${l[0]} ${l[1]} ms ${l[2]} B ${JSON.stringify(l[3])}`));
              return lines.join('\n');
            }
            """);

    /// <summary>The median of each step over several loads, as one line for the report.</summary>
    public static string Summarise(IReadOnlyList<StartupTrace> traces)
    {
        static string M(IEnumerable<double> values)
        {
            var v = values.Where(x => x >= 0).Order().ToList();
            return v.Count == 0 ? "–" : v[v.Count / 2].ToString("F0", CultureInfo.InvariantCulture);
        }
        var transports = string.Join("/", traces.Select(t => t.Transport).Distinct());
        return FormattableString.Invariant(
            $"median ms since navigation start: HTML first byte {M(traces.Select(t => t.HtmlResponseStart))}, HTML end {M(traces.Select(t => t.HtmlResponseEnd))}, first content row {M(traces.Select(t => t.Content))}, ") +
            FormattableString.Invariant(
            $"blazor.web.js loaded {M(traces.Select(t => t.BlazorJsEnd))}, MudBlazor.min.js loaded {M(traces.Select(t => t.MudJsEnd))}, DOMContentLoaded {M(traces.Select(t => t.DomContentLoaded))}, ") +
            FormattableString.Invariant(
            $"negotiate sent {M(traces.Select(t => t.NegotiateStart))} → answered {M(traces.Select(t => t.NegotiateEnd))}, socket open {M(traces.Select(t => t.SocketOpen))}, first frame {M(traces.Select(t => t.FirstFrame))}, ") +
            FormattableString.Invariant(
            $"interactive marker {M(traces.Select(t => t.Interactive))}; transport {transports}; {traces.Max(t => t.Frames)} frames until the marker; {traces.Max(t => t.Transferred) / 1024.0:F0} KiB transferred");
    }
}
