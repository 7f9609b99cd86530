using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Quality;

public sealed class QualityApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static string Fixture(string name) => File.ReadAllText(TestReportParserTests.FixturePath(name));

    private async Task<(HttpClient Client, string Slug, Users.UserAccount User)> QaClientAsync(string scopes = "read,ingest")
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var qa = await factory.CreateUserAsync(Roles.QA);
        return (factory.BearerClient(await factory.CreateTokenAsync(qa, scopes)), service.Slug, qa);
    }

    public static StringContent Xml(string xml, string mediaType = "application/xml") => new(xml, Encoding.UTF8, mediaType);

    private Task<int> RunCountAsync(string slug) =>
        factory.WithDbAsync(db => db.TestRuns.CountAsync(r => r.Service.SlugKey == Slug.Key(slug)));

    private Task<int> ResultCountAsync(string slug) =>
        factory.WithDbAsync(db => db.TestResults.CountAsync(r => r.Run.Service.SlugKey == Slug.Key(slug)));

    [Fact]
    public async Task Posting_junit_returns_counts_from_the_cases_and_the_run_is_listed()
    {
        var (client, slug, _) = await QaClientAsync();

        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs?suite=unit&commit=abc123&branch=main&buildUrl=https://ci.example.com/1", Xml(Fixture("ant-lying-counts.xml")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TestRunCreated>();
        Assert.Equal(new TestRunCreated(created!.Id, 3, 2, 1, 0, 0, 300), created);
        Assert.Equal($"/api/v1/services/{slug}/test-runs/{created.Id}", response.Headers.Location!.OriginalString);

        var page = await client.GetFromJsonAsync<Page<TestRunSummary>>($"/api/v1/services/{slug}/test-runs");
        var run = Assert.Single(page!.Items);
        Assert.Equal(("unit", "abc123", "main", "junit"), (run.Suite, run.Commit, run.Branch, run.Format));
        Assert.Equal(66.7, run.PassRate);

        var details = await client.GetFromJsonAsync<TestRunDetails>($"/api/v1/services/{slug}/test-runs/{created.Id}");
        var group = Assert.Single(details!.FailureGroups);
        Assert.Equal("boom", group.Pattern);
        Assert.Equal("two", Assert.Single(group.Tests).Name);
    }

    [Fact]
    public async Task Trx_as_text_xml_is_detected_from_its_root()
    {
        var (client, slug, _) = await QaClientAsync();
        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", Xml(Fixture("mstest.trx"), "text/xml"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TestRunCreated>();
        Assert.Equal((7, 2, 2, 1, 2, 2500L), (created!.Total, created.Passed, created.Failed, created.Errors, created.Skipped, created.DurationMs));
    }

    [Fact]
    public async Task Multipart_files_make_one_run()
    {
        var (client, slug, _) = await QaClientAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Fixture("surefire.xml")), "files", "TEST-OrderServiceTest.xml" },
            { new StringContent(Fixture("pytest.xml")), "files", "pytest.xml" },
            { new StringContent(Fixture("mstest.trx")), "files", "run.trx" },
            { new StringContent("integration"), "suite" },
            { new StringContent("deadbeef"), "commit" },
        };

        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TestRunCreated>();
        Assert.Equal(6 + 6 + 7, created!.Total);
        Assert.Equal(3 + 2 + 2, created.Passed);
        var run = (await client.GetFromJsonAsync<Page<TestRunSummary>>($"/api/v1/services/{slug}/test-runs"))!.Items.Single();
        Assert.Equal(("integration", "deadbeef", "junit+trx", 3), (run.Suite, run.Commit, run.Format, run.Files));
    }

    [Fact]
    public async Task A_large_file_streams_through_disk_and_every_case_is_stored()
    {
        var (client, slug, _) = await QaClientAsync();
        var xml = new StringBuilder("<testsuites><testsuite name='big'>");
        for (var i = 0; i < 5000; i++)
        {
            xml.Append($"<testcase classname='pkg.Class{i % 7}' name='test_{i}' time='0.001'>{(i % 100 == 0 ? "<failure message='bad " + i + "'>trace " + new string('x', 200) + "</failure>" : "")}</testcase>");
        }
        xml.Append("</testsuite></testsuites>");
        Assert.True(xml.Length > 256 * 1024);

        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", Xml(xml.ToString()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TestRunCreated>();
        Assert.Equal((5000, 4950, 50), (created!.Total, created.Passed, created.Failed));
        Assert.Equal(5000, await ResultCountAsync(slug));
        var details = await client.GetFromJsonAsync<TestRunDetails>($"/api/v1/services/{slug}/test-runs/{created.Id}");
        Assert.Equal(50, Assert.Single(details!.FailureGroups).Tests.Count);
    }

    [Fact]
    public async Task A_test_written_once_per_retry_counts_once_by_its_last_attempt()
    {
        // trainer (Xcode) writes each retry as its own testcase; the file's own total is 4 tests, 1 failure.
        var (client, slug, _) = await QaClientAsync();

        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs?suite=ios", Xml(Fixture("xcode-trainer-retried-tests.xml")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TestRunCreated>();
        Assert.Equal((4, 3, 1, 0, 0), (created!.Total, created.Passed, created.Failed, created.Errors, created.Skipped));
        var stored = await factory.WithDbAsync(db => db.TestResults.Where(r => r.RunId == created.Id)
            .Select(r => new { r.Name, r.Outcome, r.FlakyInRun, r.DurationMs, r.Message }).ToListAsync());
        Assert.Equal(4, stored.Count);
        var retried = stored.Single(r => r.Name == "offline filtering keeps the active ticket");
        Assert.Equal((TestOutcome.Passed, true, 1700), (retried.Outcome, retried.FlakyInRun, (int)Math.Round(retried.DurationMs)));
        Assert.Equal("TicketRepositoryTests.swift:48: Expectation failed", retried.Message);
        var failed = stored.Single(r => r.Name == "an expired ticket is dropped");
        Assert.Equal((TestOutcome.Failed, false), (failed.Outcome, failed.FlakyInRun));
    }

    [Fact]
    public async Task One_test_in_two_playwright_projects_is_two_results_not_a_retry()
    {
        // Playwright's junit reporter writes a suite per file and project, with the project as hostname.
        var (client, slug, _) = await QaClientAsync();
        const string xml = """
            <testsuites id="" name="" tests="2" failures="1" skipped="0" errors="0" time="3.1">
            <testsuite name="cart.spec.ts" timestamp="2026-11-28T10:00:00.000Z" hostname="chromium" tests="1" failures="1" skipped="0" time="1.2" errors="0">
            <testcase name="cart › adds an item" classname="cart.spec.ts" time="1.2"><failure message="cart.spec.ts:12:5 adds an item" type="FAILURE">expect(locator).toHaveText</failure></testcase>
            </testsuite>
            <testsuite name="cart.spec.ts" timestamp="2026-11-28T10:00:00.000Z" hostname="firefox" tests="1" failures="0" skipped="0" time="1.9" errors="0">
            <testcase name="cart › adds an item" classname="cart.spec.ts" time="1.9"></testcase>
            </testsuite>
            </testsuites>
            """;

        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs?suite=e2e", Xml(xml));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TestRunCreated>();
        Assert.Equal((2, 1, 1), (created!.Total, created.Passed, created.Failed));
        var stored = await factory.WithDbAsync(db => db.TestResults.Where(r => r.RunId == created.Id)
            .Select(r => new { r.Outcome, r.FlakyInRun, r.ClassName }).ToListAsync());
        Assert.Equal(2, stored.Count);
        Assert.DoesNotContain(stored, r => r.FlakyInRun);
        // Each project's test has its own identity, so its history and flakiness are its own.
        Assert.Equal(TestOutcome.Failed, stored.Single(r => r.ClassName == "[chromium] › cart.spec.ts").Outcome);
        Assert.Equal(TestOutcome.Passed, stored.Single(r => r.ClassName == "[firefox] › cart.spec.ts").Outcome);
    }

    [Fact]
    public async Task Repeats_in_a_streamed_file_update_the_row_already_written()
    {
        var (client, slug, _) = await QaClientAsync();
        var xml = new StringBuilder("<testsuites><testsuite name='big'>");
        for (var i = 0; i < 2950; i++)
        {
            xml.Append($"<testcase classname='pkg.C' name='t{i}' time='0.001'>{(i < 2 ? "<failure message='first try'/>" : "")}<system-out>{new string('o', 80)}</system-out></testcase>");
        }
        // t0 is long written (another batch); t1's retry also fails; t2949 is still pending when its repeat comes.
        xml.Append("<testcase classname='pkg.C' name='t0' time='0.002'/>");
        xml.Append("<testcase classname='pkg.C' name='t1' time='0.002'><error message='second try'/></testcase>");
        xml.Append("<testcase classname='pkg.C' name='t2949' time='0.002'><failure message='late'/></testcase>");
        xml.Append("</testsuite></testsuites>");
        Assert.True(xml.Length > 256 * 1024);

        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs?suite=big", Xml(xml.ToString()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TestRunCreated>();
        Assert.Equal((2950, 2948, 1, 1), (created!.Total, created.Passed, created.Failed, created.Errors));
        var stored = await factory.WithDbAsync(db => db.TestResults.Where(r => r.RunId == created.Id && (r.Name == "t0" || r.Name == "t1" || r.Name == "t2949"))
            .OrderBy(r => r.Id).Select(r => new { r.Name, r.Outcome, r.FlakyInRun, r.DurationMs, r.Message }).ToListAsync());
        Assert.Equal(2950, await ResultCountAsync(slug));
        Assert.Equal(("t0", TestOutcome.Passed, true, 3, "first try"), (stored[0].Name, stored[0].Outcome, stored[0].FlakyInRun, (int)Math.Round(stored[0].DurationMs), stored[0].Message));
        Assert.Equal(("t1", TestOutcome.Error, false, "first try"), (stored[1].Name, stored[1].Outcome, stored[1].FlakyInRun, stored[1].Message));
        Assert.Equal(("t2949", TestOutcome.Failed, true, "late"), (stored[2].Name, stored[2].Outcome, stored[2].FlakyInRun, stored[2].Message));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(101)]
    [InlineData(250)]
    public async Task Cases_are_stored_exactly_across_insert_batch_boundaries(int cases)
    {
        var (client, slug, _) = await QaClientAsync();
        var xml = new StringBuilder("<testsuite name='batch'>");
        for (var i = 0; i < cases; i++)
        {
            xml.Append($"<testcase classname='pkg.C{i % 3}' name='t{i}' time='0.{i:000}'>{(i % 7 == 3 ? $"<failure message='m{i}'>d{i}</failure>" : i % 11 == 5 ? "<skipped/>" : "")}</testcase>");
        }
        xml.Append("</testsuite>");

        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs?suite=batch", Xml(xml.ToString()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<TestRunCreated>())!.Id;
        var stored = await factory.WithDbAsync(db => db.TestResults.Where(r => r.RunId == id).OrderBy(r => r.Id)
            .Select(r => new { r.ClassName, r.Name, r.Outcome, r.DurationMs, r.Message, r.Details, r.TestKey }).ToListAsync());
        Assert.Equal(cases, stored.Count);
        for (var i = 0; i < cases; i++)
        {
            var r = stored[i];
            var failed = i % 7 == 3;
            var expected = failed ? TestOutcome.Failed : i % 11 == 5 ? TestOutcome.Skipped : TestOutcome.Passed;
            Assert.Equal(($"pkg.C{i % 3}", $"t{i}", expected, i), (r.ClassName, r.Name, r.Outcome, (int)Math.Round(r.DurationMs)));
            Assert.Equal(failed ? ($"m{i}", $"d{i}") : (null, null), (r.Message, r.Details));
            Assert.Equal(TestIdentity.Key("batch", $"pkg.C{i % 3}", $"t{i}"), r.TestKey);
        }
    }

    [Theory]
    [InlineData("application/json", "{}")]
    [InlineData("text/plain", "<testsuites/>")]
    public async Task Wrong_content_type_is_415_and_nothing_is_stored(string mediaType, string body)
    {
        var (client, slug, _) = await QaClientAsync();
        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", new StringContent(body, Encoding.UTF8, mediaType));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await RunCountAsync(slug));
    }

    [Fact]
    public async Task Empty_body_is_400()
    {
        var (client, slug, _) = await QaClientAsync();
        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", Xml(""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("empty", (await Problem(response)).GetProperty("detail").GetString());
        Assert.Equal(0, await RunCountAsync(slug));
    }

    [Theory]
    [InlineData("<testsuites>\n<testsuite name='a'>\n<testcase name='one'/>\n<testcase name='two'", 4)]
    [InlineData("<testsuites><testsuite name='a'><testcase name='one'/></testsuite>\n</wrong>", 2)]
    public async Task Malformed_xml_is_400_with_line_and_position_and_leaves_nothing_behind(string xml, int line)
    {
        var (client, slug, _) = await QaClientAsync();
        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", Xml(xml));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem(response);
        Assert.Equal(line, problem.GetProperty("line").GetInt32());
        Assert.True(problem.GetProperty("position").GetInt32() > 0);
        Assert.StartsWith("Malformed XML", problem.GetProperty("detail").GetString());
        // The first case was inserted before the error was found; the transaction took it back.
        Assert.Equal(0, await RunCountAsync(slug));
        Assert.Equal(0, await ResultCountAsync(slug));
    }

    [Fact]
    public async Task Doctype_and_entity_tricks_are_refused()
    {
        var (client, slug, _) = await QaClientAsync();
        var xxe = "<?xml version=\"1.0\"?><!DOCTYPE testsuite [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><testsuite><testcase name=\"&xxe;\"/></testsuite>";
        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", Xml(xxe));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("DTD", (await Problem(response)).GetProperty("detail").GetString());
        Assert.Equal(0, await RunCountAsync(slug));
    }

    [Fact]
    public async Task One_bad_file_in_a_multipart_run_refuses_the_whole_run_and_names_the_file()
    {
        var (client, slug, _) = await QaClientAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Fixture("surefire.xml")), "files", "good.xml" },
            { new StringContent("<testsuite><testcase"), "files", "broken.xml" },
        };
        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("broken.xml", (await Problem(response)).GetProperty("file").GetString());
        Assert.Equal(0, await RunCountAsync(slug));
    }

    [Fact]
    public async Task Bad_query_values_are_400_with_field_errors()
    {
        var (client, slug, _) = await QaClientAsync();
        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs?buildUrl=ftp://x&commit=has%20space", Xml(Fixture("pytest.xml")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Problem(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("buildUrl", out _));
        Assert.True(errors.TryGetProperty("commit", out _));
    }

    [Fact]
    public async Task Unknown_service_is_404()
    {
        var (client, _, _) = await QaClientAsync();
        var response = await client.PostAsync("/api/v1/services/no-such-service/test-runs", Xml(Fixture("pytest.xml")));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_token_without_the_ingest_scope_is_403()
    {
        var (client, slug, _) = await QaClientAsync("read");
        var response = await client.PostAsync($"/api/v1/services/{slug}/test-runs", Xml(Fixture("pytest.xml")));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await RunCountAsync(slug));
    }

    // ---- idempotency --------------------------------------------------------------------------

    private static HttpRequestMessage Post(string slug, string xml, string? key, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/services/{slug}/test-runs{query}") { Content = Xml(xml) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, key);
        }
        return request;
    }

    [Fact]
    public async Task Same_key_and_body_replays_the_first_response_and_stores_nothing_new()
    {
        var (client, slug, _) = await QaClientAsync();
        var key = Guid.NewGuid().ToString();

        var first = await client.SendAsync(Post(slug, Fixture("pytest.xml"), key));
        // The draft writes the key as a structured-field string, quoted.
        var second = await client.SendAsync(Post(slug, Fixture("pytest.xml"), $"\"{key}\""));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await RunCountAsync(slug));
    }

    [Fact]
    public async Task Same_key_with_another_body_or_query_is_422()
    {
        var (client, slug, _) = await QaClientAsync();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Post(slug, Fixture("pytest.xml"), key))).StatusCode);

        var otherBody = await client.SendAsync(Post(slug, Fixture("jest-junit.xml"), key));
        var otherCommit = await client.SendAsync(Post(slug, Fixture("pytest.xml"), key, "?commit=other"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal("application/problem+json", otherBody.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherCommit.StatusCode);
        Assert.Equal(1, await RunCountAsync(slug));
    }

    [Fact]
    public async Task A_key_still_in_flight_is_409()
    {
        var (client, slug, user) = await QaClientAsync();
        var key = Guid.NewGuid().ToString();
        var xml = Fixture("pytest.xml");
        // Another instance (or request) holds the key: its row exists, not completed.
        await using (var spool = await UploadSpool.FromBytesAsync((null, Encoding.UTF8.GetBytes(xml))))
        {
            var fingerprint = TestRunIngestService.Fingerprint(TestRunIngestService.Validate(new TestRunInput(null, null, null, null)), spool);
            var keys = factory.Services.GetRequiredService<IdempotencyKeys>();
            var claim = await keys.ClaimAsync(IdempotencyKeys.Scope(user.Id, $"POST /api/v1/services/{Slug.Key(slug)}/test-runs"), key, fingerprint, default);
            Assert.False(claim.IsReplay);
        }

        var response = await client.SendAsync(Post(slug, xml, key));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0, await RunCountAsync(slug));
    }

    [Fact]
    public async Task A_key_held_by_a_request_of_this_instance_is_409_or_422_and_nothing_is_written()
    {
        var (client, slug, user) = await QaClientAsync();
        var key = Guid.NewGuid().ToString();
        var xml = Fixture("pytest.xml");
        string fingerprint;
        await using (var spool = await UploadSpool.FromBytesAsync((null, Encoding.UTF8.GetBytes(xml))))
        {
            fingerprint = TestRunIngestService.Fingerprint(TestRunIngestService.Validate(new TestRunInput(null, null, null, null)), spool);
        }
        var keys = factory.Services.GetRequiredService<IdempotencyKeys>();
        var scope = IdempotencyKeys.Scope(user.Id, $"POST /api/v1/services/{Slug.Key(slug)}/test-runs");

        using (keys.Enter(scope, key, fingerprint))
        {
            Assert.Equal(HttpStatusCode.Conflict, (await client.SendAsync(Post(slug, xml, key))).StatusCode);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.SendAsync(Post(slug, Fixture("jest-junit.xml"), key))).StatusCode);
        }
        Assert.Equal(0, await RunCountAsync(slug));
        Assert.Equal(0, await factory.WithDbAsync(db => db.IdempotencyKeys.CountAsync(k => k.Key == key)));

        // Once the holder is gone the key is free.
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Post(slug, xml, key))).StatusCode);
        Assert.Equal(1, await RunCountAsync(slug));
    }

    [Fact]
    public async Task Concurrent_replays_of_one_key_store_exactly_one_run()
    {
        var (client, slug, _) = await QaClientAsync();
        var key = Guid.NewGuid().ToString();
        var xml = Fixture("surefire.xml");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.SendAsync(Post(slug, xml, key))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var ids = new HashSet<long>();
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            ids.Add((await r.Content.ReadFromJsonAsync<TestRunCreated>())!.Id);
        }
        Assert.Single(ids);
        Assert.Equal(1, await RunCountAsync(slug));
        // Once done, every retry gets the stored answer.
        var after = await client.SendAsync(Post(slug, xml, key));
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(ids.Single(), (await after.Content.ReadFromJsonAsync<TestRunCreated>())!.Id);
    }

    [Fact]
    public async Task Concurrent_posts_with_distinct_keys_each_store_one_run()
    {
        var (client, slug, _) = await QaClientAsync();
        var xml = Fixture("jest-junit.xml");
        var keys = Enumerable.Range(0, 24).Select(_ => Guid.NewGuid().ToString()).ToList();

        var responses = await Task.WhenAll(keys.Select(k => client.SendAsync(Post(slug, xml, k))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(24, await RunCountAsync(slug));
        Assert.Equal(24, await factory.WithDbAsync(db => db.IdempotencyKeys.CountAsync(k => keys.Contains(k.Key) && k.Completed)));
    }

    [Fact]
    public async Task A_refused_upload_releases_its_key_so_a_corrected_retry_works()
    {
        var (client, slug, _) = await QaClientAsync();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(Post(slug, "<testsuite><testcase", key))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Post(slug, Fixture("pytest.xml"), key))).StatusCode);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("key-with-a-tab\there")]
    public async Task An_unusable_key_is_400(string key)
    {
        var (client, slug, _) = await QaClientAsync();
        var response = await client.SendAsync(Post(slug, Fixture("pytest.xml"), key));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await RunCountAsync(slug));
    }

    // ---- listing ------------------------------------------------------------------------------

    [Fact]
    public async Task Test_runs_page_with_a_keyset_cursor()
    {
        var (client, slug, _) = await QaClientAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/services/{slug}/test-runs?commit=c{i}", Xml(Fixture("pytest.xml")))).StatusCode);
        }

        var first = await client.GetFromJsonAsync<Page<TestRunSummary>>($"/api/v1/services/{slug}/test-runs?limit=2");
        var second = await client.GetFromJsonAsync<Page<TestRunSummary>>($"/api/v1/services/{slug}/test-runs?limit=2&cursor={first!.NextCursor}");

        Assert.Equal(["c2", "c1"], first.Items.Select(r => r.Commit));
        Assert.Equal(3, first.Total);
        Assert.Equal(["c0"], second!.Items.Select(r => r.Commit));
        Assert.Null(second.NextCursor);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/services/{slug}/test-runs?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/services/{slug}/test-runs?cursor=nonsense")).StatusCode);
    }

    // ---- flaky tests and quarantine -------------------------------------------------------------

    public static string OneTest(bool pass, string name = "test_checkout") =>
        $"<testsuite name='s'><testcase classname='tests.Shop' name='{name}' time='0.1'>{(pass ? "" : "<failure message='timeout after 30s'>trace</failure>")}</testcase><testcase classname='tests.Shop' name='stable'/></testsuite>";

    [Fact]
    public async Task A_test_that_passes_and_fails_on_one_commit_is_listed_flaky_and_can_be_quarantined()
    {
        var (client, slug, _) = await QaClientAsync("read,ingest,write");
        await client.PostAsync($"/api/v1/services/{slug}/test-runs?commit=abc", Xml(OneTest(pass: true)));
        await client.PostAsync($"/api/v1/services/{slug}/test-runs?commit=abc", Xml(OneTest(pass: false)));

        var flaky = await client.GetFromJsonAsync<List<FlakyTestDetails>>($"/api/v1/services/{slug}/flaky-tests");

        var test = Assert.Single(flaky!);
        Assert.Equal(("tests.Shop", "test_checkout", true), (test.ClassName, test.Name, test.IsFlaky));
        Assert.Contains("commit abc", test.Reason);
        Assert.Equal(1.0, test.FlipRate);

        var noNote = await client.PutAsJsonAsync($"/api/v1/services/{slug}/flaky-tests/{test.Id}/quarantine", new { quarantined = true });
        Assert.Equal(HttpStatusCode.BadRequest, noNote.StatusCode);

        var put = await client.PutAsJsonAsync($"/api/v1/services/{slug}/flaky-tests/{test.Id}/quarantine", new { quarantined = true, note = "JIRA-12: payment sandbox is slow" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = await put.Content.ReadFromJsonAsync<FlakyTestDetails>();
        Assert.True(saved!.Quarantined);
        Assert.Equal("JIRA-12: payment sandbox is slow", saved.QuarantineNote);

        // A stale If-Match is refused.
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{slug}/flaky-tests/{test.Id}/quarantine") { Content = JsonContent.Create(new { quarantined = false }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue(test.ETag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task Flipping_k_times_in_the_window_is_flaky_and_a_settled_test_stops_being_flaky()
    {
        var (client, slug, _) = await QaClientAsync();
        foreach (var pass in new[] { true, false, true, false })
        {
            await client.PostAsync($"/api/v1/services/{slug}/test-runs", Xml(OneTest(pass)));
        }
        var flaky = await client.GetFromJsonAsync<List<FlakyTestDetails>>($"/api/v1/services/{slug}/flaky-tests");
        Assert.Equal(3, Assert.Single(flaky!).Flips);

        // Ten green runs push every flip out of the default window of ten.
        for (var i = 0; i < 10; i++)
        {
            await client.PostAsync($"/api/v1/services/{slug}/test-runs", Xml(OneTest(pass: true)));
        }
        Assert.Empty((await client.GetFromJsonAsync<List<FlakyTestDetails>>($"/api/v1/services/{slug}/flaky-tests"))!);
        Assert.Single((await client.GetFromJsonAsync<List<FlakyTestDetails>>($"/api/v1/services/{slug}/flaky-tests?includeResolved=true"))!);
    }

    [Fact]
    public async Task Failures_of_quarantined_tests_leave_the_pass_rate_but_stay_in_the_stored_counts()
    {
        var (client, slug, _) = await QaClientAsync("read,ingest,write");
        await client.PostAsync($"/api/v1/services/{slug}/test-runs?commit=q1", Xml(OneTest(pass: true)));
        await client.PostAsync($"/api/v1/services/{slug}/test-runs?commit=q1", Xml(OneTest(pass: false)));
        var latest = async () => (await client.GetFromJsonAsync<Page<TestRunSummary>>($"/api/v1/services/{slug}/test-runs"))!.Items[0];
        Assert.Equal((50.0, 1, 0), ((await latest()).PassRate, (await latest()).Failed, (await latest()).QuarantinedFailures));
        var test = Assert.Single((await client.GetFromJsonAsync<List<FlakyTestDetails>>($"/api/v1/services/{slug}/flaky-tests"))!);

        var put = await client.PutAsJsonAsync($"/api/v1/services/{slug}/flaky-tests/{test.Id}/quarantine", new { quarantined = true, note = "JIRA-7" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var run = await latest();
        Assert.Equal((100.0, 2, 1, 1, 1), (run.PassRate, run.Total, run.Passed, run.Failed, run.QuarantinedFailures));
        var details = await client.GetFromJsonAsync<TestRunDetails>($"/api/v1/services/{slug}/test-runs/{run.Id}");
        Assert.Equal(100.0, details!.Run.PassRate);
        Assert.True(Assert.Single(Assert.Single(details.FailureGroups).Tests).Quarantined);
        var row = (await factory.WithServiceAsync<QualityService, IReadOnlyList<DashboardRow>>(q => q.DashboardAsync())).Single(r => r.Slug == slug);
        Assert.Equal((100.0, 0, 1), (row.PassRate, row.FailingTests, row.QuarantinedFailing));
        // The stored run is untouched: the file said one test failed.
        Assert.Equal(1, await factory.WithDbAsync(db => db.TestRuns.Where(r => r.Id == run.Id).Select(r => r.Failed).SingleAsync()));

        await client.PutAsJsonAsync($"/api/v1/services/{slug}/flaky-tests/{test.Id}/quarantine", new { quarantined = false });
        Assert.Equal((50.0, 0), ((await latest()).PassRate, (await latest()).QuarantinedFailures));
    }

    [Fact]
    public async Task The_dashboard_lists_services_worst_first_in_keyset_pages()
    {
        var (client, red, _) = await QaClientAsync();
        var team = await factory.CreateTeamAsync();
        var green = (await factory.CreateServiceAsync(team.Slug)).Slug;
        var amber = (await factory.CreateServiceAsync(team.Slug)).Slug;
        await client.PostAsync($"/api/v1/services/{red}/test-runs", Xml(OneTest(pass: false)));
        await client.PostAsync($"/api/v1/services/{green}/test-runs", Xml(OneTest(pass: true)));
        await client.PostAsync($"/api/v1/services/{amber}/test-runs", Xml(OneTest(pass: true)));
        var failedThreshold = LoadTestVerdictTests.SummaryExport.Replace("\"p(95)<500\": false", "\"p(95)<500\": true");
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/services/{amber}/load-tests", new StringContent(failedThreshold, Encoding.UTF8, "application/json"))).StatusCode);

        // Other tests' services share this database: walk every page and look at the order of ours.
        var all = new List<DashboardRow>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetFromJsonAsync<Page<DashboardRow>>($"/api/v1/quality/dashboard?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
            Assert.True(page!.Items.Count <= 2);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
            Assert.True(++pages < 1000);
        }
        while (cursor is not null);

        Assert.Equal(all.Count, all.Select(r => r.Slug).Distinct().Count());
        var ours = all.Where(r => r.Slug == red || r.Slug == green || r.Slug == amber).ToList();
        Assert.Equal([red, amber, green], ours.Select(r => r.Slug));
        Assert.Equal((50.0, 1), (ours[0].PassRate, ours[0].FailingTests));
        Assert.Equal("fail", ours[1].LoadVerdict);
        Assert.Equal((100.0, 0, (string?)null), (ours[2].PassRate, ours[2].FailingTests, ours[2].LoadVerdict));
        Assert.Equal(all.OrderBy(r => r.Health).Select(r => r.Health), all.Select(r => r.Health));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/quality/dashboard?limit=500")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/quality/dashboard?cursor=nonsense")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/quality/dashboard?cursor={PageRequest.EncodeCursor("x")}")).StatusCode);
    }

    [Fact]
    public async Task Owner_engineers_qa_and_admins_may_quarantine_others_may_not()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var qa = await factory.CreateUserAsync(Roles.QA);
        var qaClient = factory.BearerClient(await factory.CreateTokenAsync(qa, "read,ingest"));
        await qaClient.PostAsync($"/api/v1/services/{service.Slug}/test-runs?commit=x", Xml(OneTest(true)));
        await qaClient.PostAsync($"/api/v1/services/{service.Slug}/test-runs?commit=x", Xml(OneTest(false)));
        var id = (await qaClient.GetFromJsonAsync<List<FlakyTestDetails>>($"/api/v1/services/{service.Slug}/flaky-tests"))!.Single().Id;

        var owner = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, owner);
        var stranger = await factory.CreateUserAsync(Roles.Engineer);
        var viewer = await factory.CreateUserAsync(Roles.Viewer);
        var admin = await factory.CreateUserAsync(Roles.Admin);

        async Task<HttpStatusCode> Quarantine(Users.UserAccount user, string scopes) =>
            (await factory.BearerClient(await factory.CreateTokenAsync(user, scopes))
                .PutAsJsonAsync($"/api/v1/services/{service.Slug}/flaky-tests/{id}/quarantine", new { quarantined = true, note = "n" })).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await Quarantine(owner, "read,write"));
        Assert.Equal(HttpStatusCode.Forbidden, await Quarantine(owner, "read"));
        Assert.Equal(HttpStatusCode.Forbidden, await Quarantine(stranger, "read,write"));
        Assert.Equal(HttpStatusCode.Forbidden, await Quarantine(viewer, "read,write,ingest"));
        Assert.Equal(HttpStatusCode.OK, await Quarantine(qa, "read,ingest"));
        Assert.Equal(HttpStatusCode.Forbidden, await Quarantine(qa, "read"));
        Assert.Equal(HttpStatusCode.OK, await Quarantine(admin, "read,ingest"));
        Assert.Equal(HttpStatusCode.OK, await Quarantine(admin, "read,write"));
    }

    // ---- load tests -----------------------------------------------------------------------------

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Load_tests_are_judged_against_thresholds_budget_and_the_previous_run()
    {
        var (client, slug, _) = await QaClientAsync();

        var first = await client.PostAsync($"/api/v1/services/{slug}/load-tests", Json(LoadTestVerdictTests.SummaryExport));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var pass = (await first.Content.ReadFromJsonAsync<LoadTestCreated>())!;
        Assert.Equal(("pass", 250.4, 99.5, 0.005), (pass.Verdict, pass.P95Ms, pass.Rps, pass.ErrorRate));
        Assert.Empty(pass.Reasons);

        var budget = await client.PutAsJsonAsync($"/api/v1/services/{slug}/load-test-budget", new { p95Ms = 600, maxErrorRate = 0.01 });
        Assert.Equal(HttpStatusCode.OK, budget.StatusCode);
        Assert.Equal(600, (await budget.Content.ReadFromJsonAsync<LoadTestBudgetDetails>())!.P95Ms);

        var second = await client.PostAsync($"/api/v1/services/{slug}/load-tests?name=nightly", Json(LoadTestVerdictTests.HandleSummary));
        var fail = (await second.Content.ReadFromJsonAsync<LoadTestCreated>())!;
        Assert.Equal("fail", fail.Verdict);
        Assert.Contains(fail.Reasons, r => r.Contains("exceeds the budget of 600 ms"));
        Assert.Contains(fail.Reasons, r => r.Contains("error rate 2%"));
        Assert.Contains(fail.Reasons, r => r.Contains("k6 threshold http_req_duration 'p(95)<500' failed"));
        Assert.Contains(fail.Reasons, r => r.Contains("regressed"));

        var list = await client.GetFromJsonAsync<Page<LoadTestSummary>>($"/api/v1/services/{slug}/load-tests");
        Assert.Equal(["fail", "pass"], list!.Items.Select(l => l.Verdict));
        Assert.Equal("nightly", list.Items[0].Name);
    }

    [Fact]
    public async Task Load_test_bad_input_is_refused()
    {
        var (client, slug, _) = await QaClientAsync();
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync($"/api/v1/services/{slug}/load-tests", Xml("<x/>"))).StatusCode);
        var malformed = await client.PostAsync($"/api/v1/services/{slug}/load-tests", Json("{\n\"metrics\": {,}"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(2, (await Problem(malformed)).GetProperty("line").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/api/v1/services/{slug}/load-tests", Json("{\"metrics\":{}}"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/api/v1/services/{slug}/load-tests", Json(""))).StatusCode);
        var badBudget = await client.PutAsJsonAsync($"/api/v1/services/{slug}/load-test-budget", new { p95Ms = -1, maxErrorRate = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, badBudget.StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(db => db.LoadTestRuns.CountAsync(r => r.Service.SlugKey == Slug.Key(slug))));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/services/{slug}/load-test-budget")).StatusCode);
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}

/// <summary>A portal with a tiny upload limit, to see 413 without sending 50 MB.</summary>
public sealed class QualityUploadLimitTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new PortalFactory().WithSetting("Quality:MaxUploadBytes", "4096");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task An_upload_over_the_limit_is_413_and_nothing_is_stored()
    {
        var team = await factory.CreateTeamAsync();
        var service = await factory.CreateServiceAsync(team.Slug);
        var qa = await factory.CreateUserAsync(Roles.QA);
        var client = factory.BearerClient(await factory.CreateTokenAsync(qa, "read,ingest"));
        var xml = "<testsuite>" + string.Concat(Enumerable.Range(0, 200).Select(i => $"<testcase name='t{i}'/>")) + "</testsuite>";

        var response = await client.PostAsync($"/api/v1/services/{service.Slug}/test-runs", QualityApiTests.Xml(xml));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(xml[..3000]), "files", "a.xml" },
            { new StringContent(xml[..3000]), "files", "b.xml" },
        };
        var multipart = await client.PostAsync($"/api/v1/services/{service.Slug}/test-runs", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, multipart.StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(db => db.TestRuns.CountAsync()));
    }
}
