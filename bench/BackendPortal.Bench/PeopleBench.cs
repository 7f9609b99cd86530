using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.People;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackendPortal.Bench;

/// <summary>
/// The skills matrix of one team of 200 people × 60 skills inside a 2,000-person organisation:
/// API latency of the matrix and the other people endpoints, and how long the team page takes to
/// show the whole heatmap in Chromium.
/// </summary>
public sealed class PeopleBench(BenchHost host, BenchReport report)
{
    public const string TeamSlug = "bench-matrix";
    private const int People = 2_000;
    private const int TeamSize = 200;
    private const int SkillCount = 60;
    private const int Requests = 200;
    private const int WarmUp = 20;
    private const int Renders = 8;
    private const double RenderTargetMs = 1_000;
    private const double ApiTargetMs = 100;

    public async Task RunAsync()
    {
        var sw = Stopwatch.StartNew();
        Console.WriteLine("People bench");
        var ratings = await SeedAsync();
        report.Add("People dataset", $"{People:N0} people, {SkillCount} skills, {ratings:N0} ratings; team '{TeamSlug}' has {TeamSize} members rating 40 skills each; seeded in {sw.Elapsed.TotalSeconds:F1} s");

        using var client = new HttpClient { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.ReadToken);
        using (var matrix = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/teams/{TeamSlug}/skills-matrix")))
        {
            Check(matrix.RootElement.GetProperty("people").GetArrayLength() == TeamSize, "the matrix does not hold the whole team");
            Check(matrix.RootElement.GetProperty("skills").GetArrayLength() == SkillCount, "the matrix does not hold every skill");
        }
        await MeasureAsync(client, $"GET /api/v1/teams/{{slug}}/skills-matrix ({TeamSize} × {SkillCount})", _ => $"/api/v1/teams/{TeamSlug}/skills-matrix");
        await MeasureAsync(client, "GET /api/v1/teams/{slug}/skills-matrix?category=Databases", _ => $"/api/v1/teams/{TeamSlug}/skills-matrix?category=Databases");
        await MeasureAsync(client, "GET /api/v1/people?skill=<skill>&minLevel=3 (2,000 people, skills rotated)",
            i => $"/api/v1/people?skill={PeopleReferenceData.Skills[i % PeopleReferenceData.Skills.Count].Slug}&minLevel=3&limit=50");
        await MeasureAsync(client, "GET /api/v1/services/{slug}/bus-factor (owner team of 200)", _ => "/api/v1/services/bench-matrix-ledger/bus-factor");
        await MeasureAsync(client, "GET /api/v1/people/{slug}/gap?level=senior", i => $"/api/v1/people/bench-person-{i % TeamSize}/gap?level=senior");
        // The risk list is computed once per change of the people stamp: the first request after the seeding pays for it.
        var risks = await TimeOnceAsync(client, "/api/v1/people/bus-factor-risks");
        report.Add("GET /api/v1/people/bus-factor-risks, first request after a write (computes every service of the organisation)", FormattableString.Invariant($"{risks:F0} ms for {BenchHost.ServiceCount + 1:N0} services"));
        await MeasureAsync(client, "GET /api/v1/people/bus-factor-risks?limit=50 (cached between writes, 10,001 services)", _ => "/api/v1/people/bus-factor-risks?limit=50");

        await MeasureRenderAsync();
        Console.WriteLine($"People bench done in {sw.Elapsed.TotalSeconds:F1} s");
    }

    private async Task<int> SeedAsync()
    {
        var factory = host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var now = DateTime.UtcNow;
        var random = new Random(8);
        await using var db = await factory.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var categories = new[] { "Languages", "Databases", "APIs", "Testing", "Infrastructure" };
        var existing = await db.Skills.CountAsync();
        for (var i = existing; i < SkillCount; i++)
        {
            var slug = $"bench-skill-{i}";
            var skill = new Skill { Slug = slug, SlugKey = slug, Name = $"Skill {i}", Category = categories[i % categories.Length] };
            skill.Stamp("bench", now);
            db.Skills.Add(skill);
        }
        var team = new Team { Slug = TeamSlug, SlugKey = TeamSlug, Name = "Bench matrix" };
        team.Stamp("bench", now);
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        var skillIds = await db.Skills.Select(s => s.Id).ToListAsync();
        var otherTeams = await db.Teams.Where(t => t.Id != team.Id).Select(t => t.Id).ToListAsync();

        var people = new List<(Person Person, int TeamId, int Rated)>();
        for (var i = 0; i < People; i++)
        {
            var slug = $"bench-person-{i}";
            var person = new Person { Slug = slug, SlugKey = slug, Name = $"Person {i:D4}", Level = (CareerLevel)(i % 4), Title = "Backend engineer" };
            person.Stamp("bench", now);
            people.Add(i < TeamSize ? (person, team.Id, 40) : (person, otherTeams[i % otherTeams.Count], 15));
            db.People.Add(person);
        }
        await db.SaveChangesAsync();
        var ratings = 0;
        foreach (var (person, teamId, rated) in people)
        {
            db.TeamMembers.Add(new TeamMember { PersonId = person.Id, TeamId = teamId, Role = person.Slug == "bench-person-0" ? TeamRole.Lead : TeamRole.Member });
            foreach (var skillId in skillIds.OrderBy(_ => random.Next()).Take(rated))
            {
                db.PersonSkills.Add(new PersonSkill { PersonId = person.Id, SkillId = skillId, Proficiency = random.Next(0, 5), RatedAt = now, RatedBy = "bench" });
                ratings++;
            }
        }
        var service = new Service { Slug = "bench-matrix-ledger", SlugKey = "bench-matrix-ledger", Name = "Bench ledger", OwnerTeamId = team.Id, Languages = ["Java", "Go"] };
        service.Stamp("bench", now);
        db.Services.Add(service);
        await db.SaveChangesAsync();
        return ratings;
    }

    private async Task MeasureAsync(HttpClient client, string name, Func<int, string> url)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            await TimeOnceAsync(client, url(i));
        }
        host.Queries.Start();
        await TimeOnceAsync(client, url(0));
        var queries = host.Queries.Stop().Count;
        var samples = new List<double>(Requests);
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < Requests; i++)
        {
            samples.Add(await TimeOnceAsync(client, url(i)));
        }
        process.Refresh();
        var stats = LatencyStats.From(name, samples, queries) with { CpuMsPerRequest = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / Requests };
        report.Add(stats);
        if (stats.P95 >= ApiTargetMs)
        {
            report.Note(FormattableString.Invariant($"{name}: p95 {stats.P95:F1} ms misses the people module's {ApiTargetMs} ms target."));
        }
    }

    private static async Task<double> TimeOnceAsync(HttpClient client, string url)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Check(response.IsSuccessStatusCode && body.Length > 0, $"{url} answered {(int)response.StatusCode}");
        return elapsed;
    }

    /// <summary>From navigation start until the first heatmap rows are in the DOM of the interactive team page, then scrolling to the last row.</summary>
    private async Task MeasureRenderAsync()
    {
        const string email = "bench-people-viewer@example.com";
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAccountService>().CreateAsync(email, "Bench People Viewer", [Roles.Viewer], BenchHost.Password, "bench");
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
        });
        var baseUrl = host.Address.ToString().TrimEnd('/');
        string storage;
        await using (var signIn = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl }))
        {
            var page = await signIn.NewPageAsync();
            await page.GotoAsync("/Account/Login");
            await page.Locator("#Input\\.Email").FillAsync(email);
            await page.Locator("#Input\\.Password").FillAsync(BenchHost.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));
            storage = await signIn.StorageStateAsync();
        }

        var times = new List<double>();
        var interactive = new List<double>();
        var scrolls = new List<double>();
        var traces = new List<StartupTrace>();
        const string FirstRow = "[data-testid=skills-matrix] tbody tr[data-person]";
        // One more load than measured: the first is a warm-up (JIT, component types, Chromium's first process).
        for (var i = 0; i <= Renders; i++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, StorageState = storage });
            await StartupTrace.AttachAsync(context, FirstRow);
            var page = await context.NewPageAsync();
            var start = Stopwatch.GetTimestamp();
            await page.GotoAsync($"/teams/{TeamSlug}", new() { WaitUntil = WaitUntilState.Commit });
            // The heatmap rows are virtualised below the first screen, which is in the prerendered HTML: that is "first content".
            await page.Locator(FirstRow).First.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 60_000 });
            var shown = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var live = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var trace = await StartupTrace.ReadAsync(page);
            var people = await page.Locator("[data-testid=skills-matrix] table").GetAttributeAsync("data-people");
            Check(people == TeamSize.ToString(System.Globalization.CultureInfo.InvariantCulture), $"the heatmap holds {people} people, expected {TeamSize}");
            var firstRowCells = await page.Locator(FirstRow).First.Locator("td").CountAsync();
            Check(firstRowCells == SkillCount, $"a heatmap row shows {firstRowCells} cells, expected {SkillCount}");
            var scrollStart = Stopwatch.GetTimestamp();
            await page.Locator("[data-testid=skills-matrix]").EvaluateAsync("e => e.scrollTop = e.scrollHeight");
            await page.Locator($"[data-testid=skills-matrix] tbody tr[aria-rowindex='{TeamSize + 1}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            var scrolled = Stopwatch.GetElapsedTime(scrollStart).TotalMilliseconds;
            if (i > 0)
            {
                times.Add(shown);
                interactive.Add(live);
                scrolls.Add(scrolled);
                traces.Add(trace);
            }
        }
        var content = LatencyStats.From("team page in Chromium: first heatmap rows visible", times, 0) with { Target = RenderTargetMs };
        var live95 = LatencyStats.From("team page in Chromium: interactive (circuit marker)", interactive, 0) with { Target = RenderTargetMs };
        report.Add(content);
        report.Add(live95);
        report.Add($"Team page with the {TeamSize} × {SkillCount} heatmap in Chromium (target < {RenderTargetMs:F0} ms, judged on the first content visible)",
            FormattableString.Invariant($"first heatmap rows visible **p50 {content.P50:F0} ms / p95 {content.P95:F0} ms** {(content.MeetsTarget ? "✓" : "✗")}; interactive (circuit live) p50 {live95.P50:F0} ms / p95 {live95.P95:F0} ms {(live95.MeetsTarget ? "✓" : "✗")}; over {Renders} fresh contexts after one warm-up"));
        report.Add("Team page load, step by step", StartupTrace.Summarise(traces));
        var scrolledStats = LatencyStats.From("scroll", scrolls, 0);
        report.Add("Heatmap scrolled to the bottom until the last person's row is in the DOM",
            FormattableString.Invariant($"p50 {scrolledStats.P50:F0} ms, max {scrolledStats.Max:F0} ms"));
        Console.WriteLine(FormattableString.Invariant($"  render: content p50 {content.P50:F0} / p95 {content.P95:F0} ms, interactive p50 {live95.P50:F0} / p95 {live95.P95:F0} ms"));
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Bench sanity check failed: " + message);
        }
    }
}
