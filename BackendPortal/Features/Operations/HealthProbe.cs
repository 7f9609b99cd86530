using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;

namespace BackendPortal.Features.Operations;

/// <summary>What one probe needs to know; a snapshot so a concurrent edit cannot change a probe in flight.</summary>
public sealed record ProbeRequest(
    int CheckId,
    string Url,
    string Method,
    int TimeoutSeconds,
    IReadOnlyList<int> ExpectedStatus,
    string? Keyword,
    string? JsonPath,
    string? JsonValue,
    IReadOnlyDictionary<string, string> Headers,
    int? DegradedAboveMs);

public sealed record ProbeOutcome(bool Success, int? LatencyMs, string? Reason, int? StatusCode)
{
    public HealthStatus StatusFor(int? degradedAboveMs) =>
        !Success ? HealthStatus.Down
        : degradedAboveMs is { } limit && LatencyMs > limit ? HealthStatus.Degraded
        : HealthStatus.Up;
}

/// <summary>Runs one HTTP probe and names every way it can fail.</summary>
public sealed class HealthProbe(IHttpClientFactory clients)
{
    public const string ClientName = "health-probe";

    public async Task<ProbeOutcome> RunAsync(ProbeRequest probe, int maxBodyBytes, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(probe.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        int? Elapsed() => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Url);
            foreach (var (name, value) in probe.Headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            var expected = probe.ExpectedStatus.Count == 0 ? code is >= 200 and < 300 : probe.ExpectedStatus.Contains(code);
            if (!expected)
            {
                var latency = Elapsed();
                var wanted = probe.ExpectedStatus.Count == 0 ? "2xx" : string.Join(", ", probe.ExpectedStatus);
                return new ProbeOutcome(false, latency, $"Unexpected status {code} {response.ReasonPhrase} (expected {wanted}).", code);
            }
            if (probe.Keyword is null && probe.JsonPath is null)
            {
                return new ProbeOutcome(true, Elapsed(), null, code);
            }
            var (body, truncated) = await ReadBodyAsync(response, maxBodyBytes, timeout.Token);
            var latencyWithBody = Elapsed();
            if (probe.Keyword is { } keyword && !body.Contains(keyword, StringComparison.Ordinal))
            {
                var where = truncated ? $" in the first {maxBodyBytes / 1024} KB" : "";
                return new ProbeOutcome(false, latencyWithBody, $"Keyword '{keyword}' missing from the response{where}.", code);
            }
            if (probe.JsonPath is { } path)
            {
                var mismatch = JsonPathMatcher.Check(body, truncated, path, probe.JsonValue);
                if (mismatch is not null)
                {
                    return new ProbeOutcome(false, latencyWithBody, mismatch, code);
                }
            }
            return new ProbeOutcome(true, latencyWithBody, null, code);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return new ProbeOutcome(false, Elapsed(), $"Timed out after {probe.TimeoutSeconds} s.", null);
        }
        catch (HttpRequestException ex)
        {
            return new ProbeOutcome(false, Elapsed(), Describe(ex), null);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or NotSupportedException)
        {
            return new ProbeOutcome(false, Elapsed(), "Request failed: " + Shorten(ex.Message), null);
        }
    }

    private static async Task<(string Body, bool Truncated)> ReadBodyAsync(HttpResponseMessage response, int limit, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        // One byte past the limit tells a body that ends at the limit from a longer one. The buffer is rented:
        // a fresh one per probe was 64 KB of garbage for every check, most of whose bodies are a few bytes.
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var read = 0;
            while (read < limit + 1)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read, limit + 1 - read), ct);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
            // Disposing the response without reading on abandons the rest of a huge body.
            var truncated = read > limit;
            return (Encoding.UTF8.GetString(buffer, 0, Math.Min(read, limit)), truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static string Describe(HttpRequestException ex)
    {
        var socket = FindInner<SocketException>(ex);
        if (ex.HttpRequestError == HttpRequestError.NameResolutionError
            || socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
        {
            return "DNS lookup failed: " + Shorten(ex.Message);
        }
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return "Connection refused.";
        }
        if (ex.HttpRequestError == HttpRequestError.SecureConnectionError || FindInner<AuthenticationException>(ex) is not null)
        {
            return "TLS handshake failed: " + Shorten((FindInner<AuthenticationException>(ex) as Exception ?? ex).Message);
        }
        if (socket is not null)
        {
            return $"Connection failed ({socket.SocketErrorCode}).";
        }
        return ex.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => "Connection failed: " + Shorten(ex.Message),
            HttpRequestError.ResponseEnded => "The server closed the connection before answering.",
            HttpRequestError.InvalidResponse => "The server's answer is not valid HTTP.",
            _ => "Request failed: " + Shorten(ex.Message),
        };
    }

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (var e = ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }
        return null;
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    public static HttpMessageHandler CreateHandler() => new SocketsHttpHandler
    {
        // A redirect is an answer worth seeing (a login page is not health): 3xx is judged as a status.
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxResponseHeadersLength = 64,
        // A body left unread is abandoned with its connection, not drained (by default up to 1 MB) for reuse.
        MaxResponseDrainSize = 0,
    };
}

/// <summary>A small JSONPath subset ($.a.b[0].c) that is all a health endpoint needs.</summary>
public static class JsonPathMatcher
{
    public static bool IsValid(string path) => Parse(path) is not null;

    public static string? Check(string body, bool truncated, string path, string? expected)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return truncated ? "The JSON body is larger than the probe reads." : "The response is not JSON.";
        }
        using (doc)
        {
            var element = doc.RootElement;
            foreach (var step in Parse(path) ?? [])
            {
                if (step is int index)
                {
                    if (element.ValueKind != JsonValueKind.Array || index >= element.GetArrayLength())
                    {
                        return $"JSON path {path} not found.";
                    }
                    element = element[index];
                }
                else if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty((string)step, out element))
                {
                    return $"JSON path {path} not found.";
                }
            }
            if (expected is null)
            {
                return null;
            }
            var actual = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                _ => element.GetRawText(),
            };
            return string.Equals(actual, expected, StringComparison.Ordinal)
                ? null
                : $"JSON path {path} is {Truncate(actual)}, expected {Truncate(expected)}.";
        }
    }

    private static string Truncate(string? s) => s is null ? "null" : s.Length > 60 ? $"'{s[..60]}…'" : $"'{s}'";

    private static List<object>? Parse(string path)
    {
        var p = path.Trim();
        if (!p.StartsWith('$'))
        {
            return null;
        }
        var steps = new List<object>();
        var i = 1;
        while (i < p.Length)
        {
            if (p[i] == '.')
            {
                var end = i + 1;
                while (end < p.Length && p[end] != '.' && p[end] != '[')
                {
                    end++;
                }
                if (end == i + 1)
                {
                    return null;
                }
                steps.Add(p[(i + 1)..end]);
                i = end;
            }
            else if (p[i] == '[')
            {
                var close = p.IndexOf(']', i);
                if (close < 0)
                {
                    return null;
                }
                var inner = p[(i + 1)..close].Trim();
                if (int.TryParse(inner, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(index);
                }
                else if (inner.Length >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[^1] == inner[0])
                {
                    steps.Add(inner[1..^1]);
                }
                else
                {
                    return null;
                }
                i = close + 1;
            }
            else
            {
                return null;
            }
        }
        return steps;
    }
}
