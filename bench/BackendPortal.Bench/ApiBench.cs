using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BackendPortal.Bench;

/// <summary>Sequential GETs against /api/v1/services with a read token; one request in flight at a time.</summary>
public sealed class ApiBench(BenchHost host, BenchReport report)
{
    private const int Requests = 300;
    private const int WarmUp = 30;
    private const int PageSize = 50;
    private const int DeepPage = 100;
    private const int Walks = 5;

    // Frequent words, rare words, words only in descriptions, mixed case, and one that matches nothing.
    private static readonly string[] SearchTerms =
    [
        "ledger", "Kafka", "gateway-api", "reconciliation", "fraud", "Redis", "backfill", "nomatch-zz", "gRPC",
        "scoring", "edge proxy", "Payments Core", "token", "webhook", "Cassandra", "dispatch-job", "snapshot", "quota",
    ];

    public async Task RunAsync()
    {
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = host.Address,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.ReadToken);
        var owners = host.Dataset.OwnerRotation;
        var sw = Stopwatch.StartNew();
        Console.WriteLine("API bench");

        string OwnerUrl(int i) => $"/api/v1/services?owner={owners[i % owners.Count]}&limit={PageSize}";
        string SearchUrl(int i) => $"/api/v1/services?q={Uri.EscapeDataString(SearchTerms[i % SearchTerms.Length])}&limit={PageSize}";

        var first = await GetJsonAsync(client, OwnerUrl(0));
        Check(first.RootElement.GetProperty("items").EnumerateArray().All(s => s.GetProperty("owner").GetString() == owners[0]), "owner filter returned another team's service");

        for (var i = 0; i < WarmUp; i++)
        {
            await TimeAsync(client, OwnerUrl(i));
            await TimeAsync(client, SearchUrl(i));
            await TimeAsync(client, $"/api/v1/services?limit={PageSize}");
        }

        // Cursors are collected once; every later walk must see the same pages.
        var cursors = new List<string?> { null };
        var walkTimes = new List<double>();
        for (var walk = 0; walk <= Walks; walk++)
        {
            var walkClock = Stopwatch.StartNew();
            string? cursor = null;
            for (var page = 1; page <= DeepPage; page++)
            {
                var url = $"/api/v1/services?limit={PageSize}" + (cursor is null ? "" : $"&cursor={cursor}");
                using var json = await GetJsonAsync(client, url);
                Check(json.RootElement.GetProperty("items").GetArrayLength() == PageSize, $"page {page} is not full");
                cursor = json.RootElement.GetProperty("nextCursor").GetString();
                if (walk == 0 && page < DeepPage)
                {
                    cursors.Add(cursor);
                }
            }
            // The first walk is a warm-up (and collects the cursors).
            if (walk > 0)
            {
                walkTimes.Add(walkClock.Elapsed.TotalMilliseconds);
            }
        }
        var deepUrl = $"/api/v1/services?limit={PageSize}&cursor={cursors[DeepPage - 1]}";
        using (var deep = await GetJsonAsync(client, deepUrl))
        {
            var firstSlug = deep.RootElement.GetProperty("items")[0].GetProperty("slug").GetString()!;
            var expected = host.Dataset.Services.Select(s => s.Service.SlugKey).Order(StringComparer.Ordinal).ElementAt((DeepPage - 1) * PageSize);
            Check(firstSlug.Equals(expected, StringComparison.OrdinalIgnoreCase), $"page {DeepPage} starts at {firstSlug}, expected {expected}");
            Check(deep.RootElement.GetProperty("total").GetInt32() == BenchHost.ServiceCount, "total is not the dataset size");
        }

        await CheckSearchWalkAsync(client, "ledger");

        await MeasureAsync(client, $"GET /api/v1/services?owner=<team>&limit={PageSize} (200 owners rotated)", OwnerUrl);
        await MeasureAsync(client, $"GET /api/v1/services?limit={PageSize}&cursor=<page {DeepPage}> (deep page)", _ => deepUrl);
        await MeasureAsync(client, $"GET /api/v1/services?q=<text>&limit={PageSize} ({SearchTerms.Length} terms rotated)", SearchUrl);

        var walkStats = LatencyStats.From($"walk of all {DeepPage} pages by nextCursor ({Walks} walks)", walkTimes, 0);
        report.Add($"Walk of all {DeepPage} pages of {PageSize} by nextCursor", FormattableString.Invariant(
            $"median {walkStats.P50:F0} ms, max {walkStats.Max:F0} ms over {Walks} walks ({walkStats.P50 / DeepPage:F1} ms/page)"));
        Console.WriteLine(FormattableString.Invariant($"  walk of {DeepPage} pages: median {walkStats.P50:F0} ms, max {walkStats.Max:F0} ms"));

        await BreakDownSearchAsync(client);
        await ExplainAsync(client, "owner filter", OwnerUrl(1));
        await ExplainAsync(client, "deep page", deepUrl);
        await ExplainAsync(client, "text filter", SearchUrl(0));
        Console.WriteLine($"API bench done in {sw.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>A text filter walked by cursor returns every match once, in slug order, and only matches.</summary>
    private static async Task CheckSearchWalkAsync(HttpClient client, string term)
    {
        var slugs = new List<string>();
        var total = -1;
        string? cursor = null;
        do
        {
            using var json = await GetJsonAsync(client, $"/api/v1/services?q={term}&limit={PageSize}" + (cursor is null ? "" : $"&cursor={cursor}"));
            total = json.RootElement.GetProperty("total").GetInt32();
            foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
            {
                var text = $"{item.GetProperty("slug")} {item.GetProperty("name")} {item.GetProperty("description")}";
                Check(text.Contains(term, StringComparison.OrdinalIgnoreCase), $"'{item.GetProperty("slug")}' does not match q={term}");
                slugs.Add(item.GetProperty("slug").GetString()!.ToLowerInvariant());
            }
            cursor = json.RootElement.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Check(total > PageSize && slugs.Count == total, $"q={term}: walked {slugs.Count} of {total}");
        Check(slugs.SequenceEqual(slugs.Distinct().Order(StringComparer.Ordinal)), $"q={term}: pages overlap or are out of order");
    }

    private async Task MeasureAsync(HttpClient client, string name, Func<int, string> url)
    {
        host.Queries.Start();
        await TimeAsync(client, url(0));
        var queries = host.Queries.Stop().Count;
        var samples = new List<double>(Requests);
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < Requests; i++)
        {
            samples.Add(await TimeAsync(client, url(i)));
        }
        process.Refresh();
        var cpuPerRequest = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / Requests;
        report.Add(LatencyStats.From(name, samples, queries) with { CpuMsPerRequest = cpuPerRequest });
    }

    /// <summary>Where a text search spends its time, term by term: SQL on Services versus the rest.</summary>
    private async Task BreakDownSearchAsync(HttpClient client)
    {
        var table = new StringBuilder();
        table.AppendLine("Text filter, one request per term (SQL ms: from executing each command until its rows were read):");
        table.AppendLine();
        table.AppendLine("| q | matches | request ms | SQL on Services (ms each) | other SQL ms |");
        table.AppendLine("|---|---:|---:|---|---:|");
        foreach (var term in SearchTerms)
        {
            var url = $"/api/v1/services?q={Uri.EscapeDataString(term)}&limit={PageSize}";
            host.Queries.Start();
            var start = Stopwatch.GetTimestamp();
            using var json = await GetJsonAsync(client, url);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var commands = host.Queries.Stop();
            var catalog = commands.Where(c => c.Sql.Contains("\"Services\"", StringComparison.Ordinal)).ToList();
            var each = string.Join(" + ", catalog.Select(c => c.Duration.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)));
            var other = commands.Except(catalog).Sum(c => c.Duration.TotalMilliseconds);
            table.AppendLine(FormattableString.Invariant(
                $"| `{term}` | {json.RootElement.GetProperty("total").GetInt32()} | {elapsed:F1} | {each} | {other:F1} |"));
        }
        report.Note(table.ToString().TrimEnd());
    }

    /// <summary>Milliseconds from sending the request to having read the whole body.</summary>
    private static async Task<double> TimeAsync(HttpClient client, string url)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Check(response.IsSuccessStatusCode && body.Length > 0, $"{url} answered {(int)response.StatusCode}");
        return elapsed;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Check(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Records the SQL one request runs, then asks SQLite how it plans the catalog queries.</summary>
    private async Task ExplainAsync(HttpClient client, string name, string url)
    {
        host.Queries.Start();
        await TimeAsync(client, url);
        var commands = host.Queries.Stop();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"<details><summary>SQL for the {name} ({commands.Count} commands: {Summary(commands)})</summary>");
        text.AppendLine();
        await using var connection = new SqliteConnection($"Data Source={host.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        foreach (var command in commands.Where(c => c.Sql.Contains("\"Services\"", StringComparison.Ordinal)))
        {
            text.AppendLine("```sql");
            text.AppendLine(command.Sql.Trim());
            text.AppendLine("```");
            text.AppendLine(FormattableString.Invariant($"{command.Duration.TotalMilliseconds:F2} ms (execute and read); plan:"));
            text.AppendLine("```");
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + command.Sql;
            foreach (var (parameter, value) in command.Parameters)
            {
                explain.Parameters.AddWithValue(parameter, value ?? DBNull.Value);
            }
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(3));
            }
            text.AppendLine("```");
        }
        text.AppendLine("</details>");
        report.Note(text.ToString().TrimEnd());
    }

    private static string Summary(IReadOnlyList<ExecutedCommand> commands)
    {
        var catalog = commands.Count(c => c.Sql.Contains("\"Services\"", StringComparison.Ordinal));
        return $"{catalog} on Services, {commands.Count - catalog} for token sign-in";
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Bench sanity check failed: " + message);
        }
    }
}
