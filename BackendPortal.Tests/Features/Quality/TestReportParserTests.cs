using System.Text;

namespace BackendPortal.Features.Quality;

public class TestReportParserTests
{
    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Features", "Quality", "Fixtures", name);

    private static (TestReportParser.Result Result, List<ParsedCase> Cases) ParseFile(string name)
    {
        var path = FixturePath(name);
        return Parse(() => File.OpenRead(path));
    }

    private static (TestReportParser.Result Result, List<ParsedCase> Cases) ParseText(string xml) =>
        Parse(() => new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    private static (TestReportParser.Result Result, List<ParsedCase> Cases) Parse(Func<Stream> open)
    {
        var cases = new List<ParsedCase>();
        var result = TestReportParser.Parse(open, cases.Add);
        return (result, cases);
    }

    private static int Count(List<ParsedCase> cases, TestOutcome outcome) => cases.Count(c => c.Outcome == outcome);

    [Fact]
    public void Playwright_projects_qualify_the_class_and_a_machine_hostname_does_not()
    {
        // Playwright's junit reporter: `id` on the root, one suite per file and project, the project as hostname.
        var (_, playwright) = ParseText("""
            <testsuites id="" name="" tests="2" failures="1" skipped="0" errors="0" time="3.1">
            <testsuite name="cart.spec.ts" hostname="chromium" tests="1" failures="1"><testcase name="cart › adds an item" classname="cart.spec.ts" time="1.2"><failure message="boom"/></testcase></testsuite>
            <testsuite name="cart.spec.ts" hostname="firefox" tests="1" failures="0"><testcase name="cart › adds an item" classname="cart.spec.ts" time="1.9"/></testsuite>
            </testsuites>
            """);
        Assert.Equal(["[chromium] › cart.spec.ts", "[firefox] › cart.spec.ts"], playwright.Select(c => c.ClassName));

        // Gradle, pytest and Ant write the machine there: a test keeps one history whichever CI agent ran it.
        var (_, gradle) = ParseText("""
            <testsuites><testsuite name="com.example.CartTest" hostname="ci-agent-7" tests="1"><testcase name="addsAnItem" classname="com.example.CartTest" time="0.1"/></testsuite></testsuites>
            """);
        Assert.Equal("com.example.CartTest", Assert.Single(gradle).ClassName);
    }

    [Fact]
    public void Xunit_v3_fixture_failures_get_the_class_their_name_points_at()
    {
        // Excerpt of dorny/test-reporter's dotnet-xunitv3.trx (MIT): the cleanup failure's TestMethod has no className.
        var (_, cases) = ParseText("""
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results>
                <UnitTestResult testId="3ee930dd-8a75-92a0-0d90-373833166db1" testName="DotnetTests.XUnitV3Tests.FixtureTests.Passing_Test" duration="00:00:00.0008786" outcome="Passed" />
                <UnitTestResult testId="372fb60f-1f5b-a52e-032e-41a7556021e8" testName="[Test Class Cleanup Failure (DotnetTests.XUnitV3Tests.FixtureTests.Passing_Test)]" duration="00:00:00" outcome="Failed" />
              </Results>
              <TestDefinitions>
                <UnitTest name="DotnetTests.XUnitV3Tests.FixtureTests.Passing_Test" id="3ee930dd-8a75-92a0-0d90-373833166db1">
                  <TestMethod adapterTypeName="executor://30ea7c6e-dd24-4152-a360-1387158cd41d/2.0.3" className="DotnetTests.XUnitV3Tests.FixtureTests" name="DotnetTests.XUnitV3Tests.FixtureTests.Passing_Test" />
                </UnitTest>
                <UnitTest name="[Test Class Cleanup Failure (DotnetTests.XUnitV3Tests.FixtureTests.Passing_Test)]" id="372fb60f-1f5b-a52e-032e-41a7556021e8">
                  <TestMethod adapterTypeName="executor://30ea7c6e-dd24-4152-a360-1387158cd41d/2.0.3" name="[Test Class Cleanup Failure (DotnetTests.XUnitV3Tests.FixtureTests.Passing_Test)]" />
                </UnitTest>
              </TestDefinitions>
            </TestRun>
            """);

        Assert.All(cases, c => Assert.Equal("DotnetTests.XUnitV3Tests.FixtureTests", c.ClassName));
        Assert.Equal(TestOutcome.Failed, cases[1].Outcome);
        Assert.Equal("", TestReportParser.ClassFromTestName("[Test Class Cleanup Failure (no dots here)]"));
    }

    [Fact]
    public void Jest_titles_outside_a_describe_lose_their_leading_space()
    {
        // From dorny/test-reporter's jest-junit.xml (MIT): jest-junit writes classname=" Timeout test".
        var (_, cases) = ParseText("""
            <testsuites name="jest tests"><testsuite name="undefined" tests="2">
              <testcase classname=" Timeout test" name=" Timeout test" time="0.002"><failure>: Timeout - Async callback was not invoked</failure></testcase>
              <testcase classname=" Skipped test" name=" Skipped test" time="0"><skipped/></testcase>
            </testsuite></testsuites>
            """);

        Assert.Equal([("Timeout test", "Timeout test"), ("Skipped test", "Skipped test")], cases.Select(c => (c.ClassName, c.Name)));
    }

    [Fact]
    public void Surefire_reruns_and_flaky_failures_count_by_their_final_outcome()
    {
        var (result, cases) = ParseFile("surefire.xml");

        Assert.Equal("junit", result.Format);
        Assert.Equal(6, cases.Count);
        Assert.Equal(3, Count(cases, TestOutcome.Passed));
        Assert.Equal(1, Count(cases, TestOutcome.Failed));
        Assert.Equal(1, Count(cases, TestOutcome.Error));
        Assert.Equal(1, Count(cases, TestOutcome.Skipped));
        var flaky = cases.Single(c => c.Name == "sendsConfirmation");
        Assert.True(flaky.FlakyInRun);
        Assert.Equal(TestOutcome.Passed, flaky.Outcome);
        Assert.Equal("Connection refused", flaky.Message);
        Assert.Contains("ConnectException", flaky.Details);
        Assert.True(cases.Single(c => c.Name == "timesOut").FlakyInRun);
        var failed = cases.Single(c => c.Name == "rejectsEmptyCart");
        Assert.Equal("expected: <400> but was: <200>", failed.Message);
        Assert.Contains("OrderServiceTest.java:42", failed.Details);
        Assert.False(failed.FlakyInRun);
        Assert.Equal("com.example.orders.OrderServiceTest", failed.ClassName);
        // Surefire may write the suite time with a grouping separator.
        Assert.Equal(1_234_500, result.DurationMs, 3);
    }

    [Fact]
    public void Gradle_writes_one_suite_per_class_with_output_per_test_and_split_cdata()
    {
        // As Gradle's JUnitXmlResultWriter writes build/test-results/test/TEST-<class>.xml (JUnit 5 display names).
        var (result, cases) = ParseFile("TEST-com.example.billing.InvoiceCalculatorTest.xml");

        Assert.Equal("junit", result.Format);
        Assert.Equal(6, cases.Count);
        Assert.Equal(4, Count(cases, TestOutcome.Passed));
        Assert.Equal(1, Count(cases, TestOutcome.Failed));
        Assert.Equal(1, Count(cases, TestOutcome.Skipped));
        Assert.All(cases, c => Assert.Equal("com.example.billing.InvoiceCalculatorTest", c.ClassName));
        Assert.Contains("[2] rate=0.19, expected=119.00", cases.Select(c => c.Name));
        var failed = cases.Single(c => c.Outcome == TestOutcome.Failed);
        Assert.Equal("roundsHalfEven()", failed.Name);
        Assert.Equal("org.opentest4j.AssertionFailedError: expected: <10.02> but was: <10.03>", failed.Message);
        Assert.Contains("InvoiceCalculatorTest.java:58", failed.Details);
        Assert.Equal(12, failed.DurationMs, 3);
        Assert.Equal("appliesCurrencyOfCustomer()", cases.Single(c => c.Outcome == TestOutcome.Skipped).Name);
        Assert.Equal(318, result.DurationMs, 3);
    }

    [Fact]
    public void Pytest_setup_errors_skips_and_xfails()
    {
        var (_, cases) = ParseFile("pytest.xml");

        Assert.Equal(6, cases.Count);
        Assert.Equal(2, Count(cases, TestOutcome.Passed));
        Assert.Equal(1, Count(cases, TestOutcome.Failed));
        Assert.Equal(1, Count(cases, TestOutcome.Error));
        Assert.Equal(2, Count(cases, TestOutcome.Skipped));
        Assert.Equal("tests.test_orders", cases[0].ClassName);
        Assert.Equal("test_total[1-2-3]", cases[1].Name);
        Assert.StartsWith("assert 3 == 4", cases[1].Message);
        Assert.Contains("test_unicode_é", cases.Select(c => c.Name));
        Assert.Equal("needs network", cases.Single(c => c.Name == "test_skip").Message);
    }

    [Fact]
    public void Jest_junit_failure_without_a_message_attribute_uses_the_first_line_of_its_text()
    {
        var (result, cases) = ParseFile("jest-junit.xml");

        Assert.Equal(4, cases.Count);
        Assert.Equal(2, Count(cases, TestOutcome.Passed));
        Assert.Equal(1, Count(cases, TestOutcome.Failed));
        Assert.Equal(1, Count(cases, TestOutcome.Skipped));
        var failed = cases.Single(c => c.Outcome == TestOutcome.Failed);
        Assert.Equal("Error: expect(received).toBe(expected) // Object.is equality", failed.Message);
        Assert.Contains("cart.test.js:14:23", failed.Details);
        Assert.Equal(2117, result.DurationMs, 3);
    }

    [Fact]
    public void Go_junit_report_with_subtests_and_build_errors()
    {
        var (result, cases) = ParseFile("go-junit-report.xml");

        Assert.Equal(5, cases.Count);
        Assert.Equal(1, Count(cases, TestOutcome.Passed));
        Assert.Equal(2, Count(cases, TestOutcome.Failed));
        Assert.Equal(1, Count(cases, TestOutcome.Error));
        Assert.Equal(1, Count(cases, TestOutcome.Skipped));
        Assert.Contains(cases, c => c.Name == "TestTotal/negative" && c.Message == "Failed" && c.Details!.Contains("got 3, want 4"));
        Assert.Equal("github.com/example/broken", cases.Single(c => c.Outcome == TestOutcome.Error).ClassName);
        Assert.Equal(15, result.DurationMs, 3);
    }

    [Fact]
    public void Playwright_report_with_attachments_and_annotations()
    {
        var (result, cases) = ParseFile("playwright.xml");

        Assert.Equal(3, cases.Count);
        Assert.Equal(1, Count(cases, TestOutcome.Passed));
        Assert.Equal(1, Count(cases, TestOutcome.Failed));
        Assert.Equal(1, Count(cases, TestOutcome.Skipped));
        var failed = cases.Single(c => c.Outcome == TestOutcome.Failed);
        Assert.Equal("login.spec.ts:20:7 rejects a wrong password", failed.Message);
        Assert.Contains("Timed out 5000ms", failed.Details);
        Assert.Equal("[chromium] › login.spec.ts", failed.ClassName);
        Assert.Equal(12_500, result.DurationMs, 3);
    }

    [Fact]
    public void PHPUnit_nested_suites_and_data_sets()
    {
        var (result, cases) = ParseFile("phpunit.xml");

        Assert.Equal(5, cases.Count);
        Assert.Equal(2, Count(cases, TestOutcome.Passed));
        Assert.Equal(1, Count(cases, TestOutcome.Failed));
        Assert.Equal(1, Count(cases, TestOutcome.Error));
        Assert.Equal(1, Count(cases, TestOutcome.Skipped));
        Assert.All(cases, c => Assert.Equal("App.Tests.CartTest", c.ClassName));
        Assert.Contains(cases, c => c.Name == "testTotal with data set #1" && c.Message == "App\\Tests\\CartTest::testTotal with data set #1 (3, 4)");
        // Only the outermost suite's time counts; nested suites repeat their children's time.
        Assert.Equal(41, result.DurationMs, 3);
    }

    [Fact]
    public void Counts_come_from_the_cases_not_from_attributes_and_a_missing_classname_falls_back_to_the_suite()
    {
        var (_, cases) = ParseFile("ant-lying-counts.xml");

        Assert.Equal(3, cases.Count);
        Assert.Equal(1, Count(cases, TestOutcome.Failed));
        Assert.Equal("Ant", cases.Single(c => c.Name == "noClass").ClassName);
    }

    [Fact]
    public void Trx_outcomes_durations_messages_data_rows_and_class_names_from_test_definitions()
    {
        var (result, cases) = ParseFile("mstest.trx");

        Assert.Equal("trx", result.Format);
        // Data-driven parent "Adds" is replaced by its two rows.
        Assert.Equal(7, cases.Count);
        Assert.Equal(2, Count(cases, TestOutcome.Passed));
        Assert.Equal(2, Count(cases, TestOutcome.Failed));
        Assert.Equal(1, Count(cases, TestOutcome.Error));
        Assert.Equal(2, Count(cases, TestOutcome.Skipped));
        var failed = cases.Single(c => c.Name == "Rejects_empty_cart");
        Assert.Equal("Orders.Tests.CartTests", failed.ClassName);
        Assert.Equal("Assert.AreEqual failed. Expected:<400>. Actual:<200>.", failed.Message);
        Assert.Contains("CartTests.cs:line 20", failed.Details);
        Assert.Equal(50, failed.DurationMs, 3);
        Assert.Equal("Orders.Tests.MathTests", cases.Single(c => c.Name == "Adds (2,2,5)").ClassName);
        Assert.Equal(TestOutcome.Error, cases.Single(c => c.Name == "Waits").Outcome);
        Assert.Equal(TestOutcome.Skipped, cases.Single(c => c.Name == "Maybe").Outcome);
        Assert.Equal(2500, result.DurationMs, 3);
    }

    [Fact]
    public void Trx_without_test_definitions_takes_the_class_from_the_dotted_test_name()
    {
        var (result, cases) = ParseText("""
<?xml version="1.0" encoding="UTF-8"?>
<TestRun id="6c5f3c1e-0000-4000-8000-000000000001" name="old writer" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Results>
    <UnitTestResult testId="6c5f3c1e-0000-4000-8000-000000000010" testName="Billing.Tests.InvoiceTests.Totals_add_up" outcome="Passed" duration="00:00:00.0120000" />
    <UnitTestResult testId="6c5f3c1e-0000-4000-8000-000000000011" testName="Billing.Tests.InvoiceTests.Rounds(amount: 1.005)" outcome="Failed" duration="00:00:00.0030000">
      <Output><ErrorInfo><Message>Expected 1.01</Message></ErrorInfo></Output>
    </UnitTestResult>
    <UnitTestResult testId="6c5f3c1e-0000-4000-8000-000000000012" testName="handles v1.2 files" outcome="Passed" />
  </Results>
</TestRun>
""");
        Assert.Equal("trx", result.Format);
        Assert.Equal(3, cases.Count);
        Assert.Equal(["Billing.Tests.InvoiceTests", "Billing.Tests.InvoiceTests", ""], cases.Select(c => c.ClassName));
        Assert.Equal("Billing.Tests.InvoiceTests.Rounds(amount: 1.005)", cases[1].Name);
        Assert.Equal("Expected 1.01", cases[1].Message);
    }

    [Fact]
    public void A_real_trx_written_by_dotnet_test_in_this_repository_parses()
    {
        var (result, cases) = ParseFile("backendportal-dotnet-test.trx");

        Assert.Equal("trx", result.Format);
        // dotnet test --logger trx over this repository's SlugTests: 8 results, xUnit's full names.
        Assert.Equal(8, cases.Count);
        Assert.All(cases, c => Assert.Equal("BackendPortal.Data.SlugTests", c.ClassName));
        Assert.Contains(cases, c => c.Name.StartsWith("BackendPortal.Data.SlugTests.Follows_the_Backstage_name_rule(", StringComparison.Ordinal));
        Assert.All(cases, c => Assert.Equal(TestOutcome.Passed, c.Outcome));
    }

    [Theory]
    [InlineData("Passed", TestOutcome.Passed)]
    [InlineData("PassedButRunAborted", TestOutcome.Passed)]
    [InlineData("Failed", TestOutcome.Failed)]
    [InlineData("Error", TestOutcome.Error)]
    [InlineData("Timeout", TestOutcome.Error)]
    [InlineData("Aborted", TestOutcome.Error)]
    [InlineData("NotExecuted", TestOutcome.Skipped)]
    [InlineData("Inconclusive", TestOutcome.Skipped)]
    [InlineData("NotRunnable", TestOutcome.Skipped)]
    [InlineData("Pending", TestOutcome.Skipped)]
    public void Trx_outcomes_fold_into_four(string outcome, TestOutcome expected) =>
        Assert.Equal(expected, TestReportParser.TrxOutcome(outcome));

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("1,234.5", 1234.5)]
    [InlineData("0,25", 0.25)]
    [InlineData(" 2 ", 2)]
    [InlineData("1e-3", 0.001)]
    public void Seconds_are_read_as_writers_write_them(string text, double expected) =>
        Assert.Equal(expected, TestReportParser.Seconds(text)!.Value, 6);

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("")]
    public void Unreadable_seconds_are_ignored(string text) => Assert.Null(TestReportParser.Seconds(text));

    [Fact]
    public void A_single_testsuite_root_and_an_empty_suite_are_fine()
    {
        Assert.Equal(2, ParseText("<testsuite name='s'><testcase name='a'/><testcase name='b' classname='C'></testcase></testsuite>").Cases.Count);
        Assert.Empty(ParseText("<testsuites/>").Cases);
        Assert.Empty(ParseText("<testsuites><testsuite name='empty'/></testsuites>").Cases);
    }

    [Fact]
    public void Doctype_is_refused_so_external_entities_are_never_resolved()
    {
        var xxe = "<?xml version=\"1.0\"?><!DOCTYPE testsuite [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><testsuite><testcase name=\"&xxe;\"/></testsuite>";
        var ex = Assert.Throws<ReportRejectedException>(() => ParseText(xxe));
        Assert.Contains("DTD", ex.Message);
    }

    [Fact]
    public void Billion_laughs_is_refused_before_any_expansion()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (var i = 1; i < 10; i++)
        {
            sb.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : i - 1)};", 10))}\">");
        }
        sb.Append("]><testsuite><testcase name=\"&lol9;\"/></testsuite>");
        Assert.Throws<ReportRejectedException>(() => ParseText(sb.ToString()));
    }

    [Fact]
    public void Truncated_xml_names_the_line_and_position()
    {
        var ex = Assert.Throws<ReportRejectedException>(() => ParseText("<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"x\""));
        Assert.Equal(3, ex.Line);
        Assert.True(ex.Position > 0);
        Assert.Contains("line 3", ex.Message);
    }

    [Fact]
    public void Mismatched_tags_are_malformed()
    {
        var ex = Assert.Throws<ReportRejectedException>(() => ParseText("<testsuites><testsuite></testsuites>"));
        Assert.StartsWith("Malformed XML", ex.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var xml = string.Concat(Enumerable.Repeat("<testsuite>", 100)) + string.Concat(Enumerable.Repeat("</testsuite>", 100));
        var ex = Assert.Throws<ReportRejectedException>(() => ParseText("<testsuites>" + xml + "</testsuites>"));
        Assert.Contains("nested deeper", ex.Message);
    }

    [Theory]
    [InlineData("<html><body/></html>", "<html>")]
    [InlineData("<feed xmlns='http://www.w3.org/2005/Atom'/>", "<feed>")]
    public void Another_document_is_named_in_the_refusal(string xml, string named)
    {
        var ex = Assert.Throws<ReportRejectedException>(() => ParseText(xml));
        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public void Text_that_is_not_xml_is_malformed()
    {
        Assert.Throws<ReportRejectedException>(() => ParseText("{\"not\": \"xml\"}"));
        Assert.Throws<ReportRejectedException>(() => ParseText("   "));
    }

    [Fact]
    public void Long_messages_and_details_are_truncated()
    {
        var longText = new string('x', 50_000);
        var (_, cases) = ParseText($"<testsuite><testcase name='t'><failure message='{longText}'>{longText}</failure></testcase></testsuite>");
        Assert.Equal(QualityLimits.MessageLength, cases[0].Message!.Length);
        Assert.Equal(QualityLimits.DetailsLength, cases[0].Details!.Length);
    }

    [Fact]
    public void Elements_after_skipped_properties_and_output_are_still_read()
    {
        var (_, cases) = ParseText("<testsuite><properties><property name='a' value='b'/></properties><testcase name='one'/><system-out>x</system-out><testcase name='two'/><system-err/><testcase name='three'/></testsuite>");
        Assert.Equal(["one", "two", "three"], cases.Select(c => c.Name));
    }
}
