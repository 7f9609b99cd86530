using System.Globalization;
using System.Text;
using System.Xml;
using BackendPortal.Data;

namespace BackendPortal.Features.Quality;

/// <summary>
/// One test case as read from a report; a value type so a large report streams without piling up objects.
/// <paramref name="Host"/> is the JUnit testsuite's hostname, where Playwright writes the project ("chromium",
/// "firefox"): the same test in two projects is two results, not one test retried.
/// </summary>
public readonly record struct ParsedCase(
    string ClassName, string Name, TestOutcome Outcome, double DurationMs, bool FlakyInRun, string? Message, string? Details, string? Host = null);

/// <summary>Why an upload was refused, with where in the document when the reader knows.</summary>
public sealed class ReportRejectedException(string message, int? line = null, int? position = null, string? file = null)
    : PortalException(message + (line is > 0 ? $" (line {line}, position {position})" : "") + (file is null ? "" : $" in {file}"))
{
    public int? Line { get; } = line;
    public int? Position { get; } = position;
    public string? File { get; } = file;
    public override int StatusCode => StatusCodes.Status400BadRequest;
    public override string Title => "The report could not be read.";
}

public sealed class PayloadTooLargeException(long max) : PortalException(
    $"The upload is larger than the limit of {max / (1024 * 1024)} MB (Quality:MaxUploadBytes). Split the run into several files or raise the limit.")
{
    public override int StatusCode => StatusCodes.Status413PayloadTooLarge;
    public override string Title => "The request body is too large.";
}

public sealed class UnsupportedMediaTypeException(string message) : PortalException(message)
{
    public override int StatusCode => StatusCodes.Status415UnsupportedMediaType;
    public override string Title => "Unsupported content type.";
}

/// <summary>
/// Reads JUnit XML (Ant/Jenkins schema and what Surefire, pytest, jest-junit, go-junit-report,
/// Playwright and PHPUnit write) and Visual Studio TRX, telling them apart by the root element.
/// Streams with XmlReader: DTDs prohibited, no resolver, a depth limit.
/// </summary>
public static class TestReportParser
{
    public const string TrxNamespace = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public sealed class Result
    {
        public string Format { get; set; } = "";
        public double DurationMs { get; set; }
        public int Cases { get; set; }
    }

    public static XmlReaderSettings Settings(int maxDepth) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        MaxCharactersFromEntities = 1024,
        CloseInput = true,
    };

    /// <summary>Parses one document; <paramref name="open"/> may be called twice (TRX names classes after its results).</summary>
    public static Result Parse(Func<Stream> open, Action<ParsedCase> sink, int maxDepth = 64, string? fileName = null)
    {
        try
        {
            var root = RootElement(open, maxDepth);
            return root switch
            {
                ("testsuites" or "testsuite", _) => ParseJUnit(open, sink, maxDepth),
                ("TestRun", _) => ParseTrx(open, sink, maxDepth),
                (null, _) => throw new ReportRejectedException("The document has no root element."),
                var (name, ns) => throw new ReportRejectedException(
                    $"The root element <{name}>{(string.IsNullOrEmpty(ns) ? "" : $" in namespace {ns}")} is neither JUnit XML (<testsuites> or <testsuite>) nor TRX (<TestRun>)."),
            };
        }
        catch (XmlException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" Line ", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
            throw new ReportRejectedException("Malformed XML: " + message, ex.LineNumber, ex.LinePosition, fileName);
        }
        catch (ReportRejectedException ex) when (fileName is not null && ex.File is null)
        {
            throw new ReportRejectedException(ex.Message, null, null, fileName);
        }
    }

    private static (string? Name, string Ns) RootElement(Func<Stream> open, int maxDepth)
    {
        using var reader = XmlReader.Create(open(), Settings(maxDepth));
        return reader.MoveToContent() == XmlNodeType.Element ? (reader.LocalName, reader.NamespaceURI) : (null, "");
    }

    private static void CheckDepth(XmlReader reader, int maxDepth)
    {
        if (reader.Depth > maxDepth)
        {
            var info = (IXmlLineInfo)reader;
            throw new ReportRejectedException($"Elements are nested deeper than {maxDepth} levels", info.LineNumber, info.LinePosition);
        }
    }

    // ---- JUnit ---------------------------------------------------------------------------------

    private static Result ParseJUnit(Func<Stream> open, Action<ParsedCase> sink, int maxDepth)
    {
        var result = new Result { Format = "junit" };
        using var reader = XmlReader.Create(open(), Settings(maxDepth));
        var suites = new Stack<(string Name, string? Host, int Depth)>();
        double? rootTime = null;
        double outerSuiteTime = 0;
        var outerSuitesTimed = true;
        var outerSuites = 0;
        double caseTime = 0;
        // Playwright's junit reporter writes `id` on its root and each project's suites with the project as hostname;
        // elsewhere hostname is the machine, which must not split a test's history across CI agents.
        var projectsInHostname = false;
        reader.Read();
        while (!reader.EOF)
        {
            while (suites.Count > 0 && reader.Depth <= suites.Peek().Depth)
            {
                suites.Pop();
            }
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }
            CheckDepth(reader, maxDepth);
            switch (reader.LocalName)
            {
                case "testcase":
                    // Reads the whole element and leaves the reader on whatever follows it.
                    var host = suites.Count > 0 ? suites.Peek().Host : null;
                    var parsed = ReadJUnitCase(reader, suites.Count > 0 ? suites.Peek().Name : "", host, projectsInHostname && !string.IsNullOrWhiteSpace(host), maxDepth);
                    caseTime += parsed.DurationMs;
                    result.Cases++;
                    sink(parsed);
                    continue;
                case "properties" or "system-out" or "system-err":
                    reader.Skip();
                    continue;
                case "testsuites" when reader.Depth == 0:
                    rootTime = Seconds(reader.GetAttribute("time"));
                    projectsInHostname = reader.GetAttribute("id") is not null;
                    break;
                case "testsuite":
                    var time = Seconds(reader.GetAttribute("time"));
                    if (suites.Count == 0)
                    {
                        outerSuites++;
                        outerSuiteTime += time ?? 0;
                        outerSuitesTimed &= time is not null;
                    }
                    if (!reader.IsEmptyElement)
                    {
                        suites.Push((reader.GetAttribute("name") ?? "", reader.GetAttribute("hostname"), reader.Depth));
                    }
                    break;
            }
            reader.Read();
        }
        result.DurationMs = rootTime is { } r ? r * 1000
            : outerSuites > 0 && outerSuitesTimed ? outerSuiteTime * 1000
            : caseTime;
        return result;
    }

    /// <param name="hostIsProject">The host is a Playwright project: the class is qualified with it, as Playwright's own
    /// reporters name a test ("[chromium] › cart.spec.ts"), so each project's test has its own history and a failure in
    /// one project next to a pass in another on the same commit is not taken for flakiness.</param>
    private static ParsedCase ReadJUnitCase(XmlReader reader, string suiteName, string? host, bool hostIsProject, int maxDepth)
    {
        var name = reader.GetAttribute("name");
        var className = reader.GetAttribute("classname");
        if (string.IsNullOrWhiteSpace(className))
        {
            className = reader.GetAttribute("class");
        }
        if (string.IsNullOrWhiteSpace(className))
        {
            className = suiteName;
        }
        if (hostIsProject)
        {
            className = $"[{host!.Trim()}] › {className?.Trim()}";
        }
        var duration = (Seconds(reader.GetAttribute("time")) ?? 0) * 1000;
        var outcome = TestOutcome.Passed;
        var flaky = false;
        string? message = null;
        string? details = null;
        string? flakyMessage = null;
        string? flakyDetails = null;
        var reruns = 0;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (reader.Depth > depth)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                CheckDepth(reader, maxDepth);
                var local = reader.LocalName;
                switch (local)
                {
                    case "failure" or "error":
                        var kind = local == "error" ? TestOutcome.Error : TestOutcome.Failed;
                        if (outcome is not (TestOutcome.Failed or TestOutcome.Error) || kind == TestOutcome.Error)
                        {
                            outcome = kind;
                        }
                        var (m, d) = ReadProblem(reader, maxDepth);
                        message ??= m;
                        details ??= d;
                        break;
                    case "skipped":
                        if (outcome == TestOutcome.Passed)
                        {
                            outcome = TestOutcome.Skipped;
                        }
                        var (sm, _) = ReadProblem(reader, maxDepth);
                        message ??= sm;
                        break;
                    case "flakyFailure" or "flakyError":
                        flaky = true;
                        var (fm, fd) = ReadProblem(reader, maxDepth);
                        flakyMessage ??= fm;
                        flakyDetails ??= fd;
                        break;
                    case "rerunFailure" or "rerunError":
                        reruns++;
                        var (rm, rd) = ReadProblem(reader, maxDepth);
                        flakyMessage ??= rm;
                        flakyDetails ??= rd;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        reader.Read();
        if (reruns > 0 && outcome is TestOutcome.Passed)
        {
            // A rerunFailure without the first run's <failure>: the test failed every time it ran.
            outcome = TestOutcome.Failed;
        }
        if (flaky && outcome is TestOutcome.Passed or TestOutcome.Skipped)
        {
            message ??= flakyMessage;
            details ??= flakyDetails;
        }
        if (outcome is TestOutcome.Failed or TestOutcome.Error)
        {
            message ??= flakyMessage;
            details ??= flakyDetails;
        }
        // jest-junit's titles of tests outside a describe begin with a space (" Timeout test").
        return new ParsedCase(
            Clip(className.Trim(), QualityLimits.ClassNameLength),
            Clip(string.IsNullOrWhiteSpace(name) ? "(unnamed)" : name.Trim(), QualityLimits.NameLength),
            outcome, duration, flaky, MessageOf(message, details), QualityLimits.Truncate(details, QualityLimits.DetailsLength), host);
    }

    /// <summary>Reads a failure-like element: its message attribute and its text (Surefire nests stackTrace and output elements).</summary>
    private static (string? Message, string? Details) ReadProblem(XmlReader reader, int maxDepth)
    {
        var message = reader.GetAttribute("message");
        var type = reader.GetAttribute("type");
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return (Blank(message) ?? Blank(type), null);
        }
        var depth = reader.Depth;
        var text = new StringBuilder();
        string? stackTrace = null;
        reader.Read();
        while (reader.Depth > depth)
        {
            CheckDepth(reader, maxDepth);
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace)
            {
                Append(text, reader.Value);
                reader.Read();
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "stackTrace" && !reader.IsEmptyElement)
            {
                stackTrace = reader.ReadElementContentAsString();
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "system-out" or "system-err")
            {
                reader.Skip();
            }
            else
            {
                reader.Read();
            }
        }
        reader.Read();
        var details = Blank(stackTrace) ?? Blank(text.ToString());
        return (Blank(message) ?? (details is null ? Blank(type) : null), details);
    }

    private static void Append(StringBuilder text, string value)
    {
        var room = QualityLimits.DetailsLength + 1 - text.Length;
        if (room > 0)
        {
            text.Append(value, 0, Math.Min(room, value.Length));
        }
    }

    // ---- TRX -----------------------------------------------------------------------------------

    private static Result ParseTrx(Func<Stream> open, Action<ParsedCase> sink, int maxDepth)
    {
        var result = new Result { Format = "trx" };
        // Results come before TestDefinitions, so a first pass learns each test's class. Class names
        // are interned: a test id maps to a small index, not to a string per test.
        var classes = new List<string>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var classOf = new Dictionary<Guid, int>();
        DateTimeOffset? start = null;
        DateTimeOffset? finish = null;
        using (var reader = XmlReader.Create(open(), Settings(maxDepth)))
        {
            Guid? currentTest = null;
            reader.Read();
            while (!reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                CheckDepth(reader, maxDepth);
                switch (reader.LocalName)
                {
                    case "Times" when reader.Depth == 1:
                        start = Date(reader.GetAttribute("start"));
                        finish = Date(reader.GetAttribute("finish"));
                        break;
                    case "Results" or "TestSettings" or "TestEntries" or "TestLists" or "ResultSummary":
                        reader.Skip();
                        continue;
                    case "UnitTest":
                        currentTest = TestId(reader.GetAttribute("id"));
                        break;
                    case "TestMethod" when currentTest is { } id:
                        // Older TRX writers put the assembly-qualified name here: keep the type's name.
                        var className = (reader.GetAttribute("className") ?? "").Split(',')[0].Trim();
                        if (!classIndex.TryGetValue(className, out var index))
                        {
                            index = classes.Count;
                            classes.Add(className);
                            classIndex[className] = index;
                        }
                        classOf[id] = index;
                        break;
                }
                reader.Read();
            }
        }

        double caseTime = 0;
        using (var reader = XmlReader.Create(open(), Settings(maxDepth)))
        {
            reader.Read();
            while (!reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                CheckDepth(reader, maxDepth);
                if (reader.Depth == 1 && reader.LocalName != "Results")
                {
                    reader.Skip();
                    continue;
                }
                if (reader.LocalName.EndsWith("TestResult", StringComparison.Ordinal))
                {
                    ReadTrxResult(reader, classes, classOf, maxDepth, c =>
                    {
                        caseTime += c.DurationMs;
                        result.Cases++;
                        sink(c);
                    });
                    continue;
                }
                reader.Read();
            }
        }
        result.DurationMs = start is { } s && finish is { } f && f >= s ? (f - s).TotalMilliseconds : caseTime;
        return result;
    }

    private static void ReadTrxResult(XmlReader reader, List<string> classes, Dictionary<Guid, int> classOf, int maxDepth, Action<ParsedCase> sink)
    {
        var testId = TestId(reader.GetAttribute("testId"));
        var name = reader.GetAttribute("testName");
        var outcomeText = reader.GetAttribute("outcome");
        var duration = TimeSpan.TryParse(reader.GetAttribute("duration"), CultureInfo.InvariantCulture, out var d) ? d.TotalMilliseconds : 0;
        string? message = null;
        string? stackTrace = null;
        var hadInner = false;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (reader.Depth > depth)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                CheckDepth(reader, maxDepth);
                switch (reader.LocalName)
                {
                    case "Message" when !reader.IsEmptyElement:
                        message ??= Clip(reader.ReadElementContentAsString(), QualityLimits.DetailsLength);
                        break;
                    case "StackTrace" when !reader.IsEmptyElement:
                        stackTrace ??= Clip(reader.ReadElementContentAsString(), QualityLimits.DetailsLength);
                        break;
                    case "StdOut" or "StdErr" or "DebugTrace" or "TextMessages" or "ResultFiles":
                        reader.Skip();
                        break;
                    case var local when local.EndsWith("TestResult", StringComparison.Ordinal):
                        // MSTest data rows: the leaves are the tests, the parent is their sum.
                        hadInner = true;
                        ReadTrxResult(reader, classes, classOf, maxDepth, sink);
                        break;
                    default:
                        reader.Read();
                        break;
                }
            }
        }
        reader.Read();
        if (hadInner)
        {
            return;
        }
        var className = testId is { } id && classOf.TryGetValue(id, out var index) && classes[index].Length > 0 ? classes[index] : ClassFromTestName(name);
        var outcome = TrxOutcome(outcomeText);
        sink(new ParsedCase(
            Clip(className, QualityLimits.ClassNameLength),
            Clip(string.IsNullOrWhiteSpace(name) ? "(unnamed)" : name, QualityLimits.NameLength),
            outcome, duration, false,
            MessageOf(message, stackTrace) ?? (outcome == TestOutcome.Error ? outcomeText : null),
            QualityLimits.Truncate(stackTrace ?? (message is { Length: > QualityLimits.MessageLength } ? message : null), QualityLimits.DetailsLength)));
    }

    /// <summary>
    /// Older writers leave out TestDefinitions; their testName is then "Namespace.Class.Method(args)", so the class is
    /// what precedes the method, when that looks like a dotted type name and not a sentence.
    /// </summary>
    public static string ClassFromTestName(string? testName)
    {
        if (string.IsNullOrWhiteSpace(testName))
        {
            return "";
        }
        // xUnit v3 reports a fixture's failure as "[Test Class Cleanup Failure (Namespace.Class.Method)]", with no className.
        if (testName.StartsWith('[') && testName.EndsWith(")]", StringComparison.Ordinal) && testName.LastIndexOf('(') is > 0 and var open)
        {
            return ClassFromTestName(testName[(open + 1)..^2]);
        }
        var paren = testName.IndexOf('(', StringComparison.Ordinal);
        var head = paren >= 0 ? testName[..paren] : testName;
        var dot = head.LastIndexOf('.');
        if (dot <= 0)
        {
            return "";
        }
        var type = head[..dot];
        return type.Any(char.IsWhiteSpace) ? "" : type;
    }

    /// <summary>TRX outcomes (the TestOutcome enum of the TeamTest 2010 schema) folded into four.</summary>
    public static TestOutcome TrxOutcome(string? outcome) => outcome?.Trim() switch
    {
        "Passed" or "PassedButRunAborted" or "Completed" or "Warning" => TestOutcome.Passed,
        "Failed" => TestOutcome.Failed,
        "Error" or "Timeout" or "Aborted" or "Disconnected" => TestOutcome.Error,
        _ => TestOutcome.Skipped,
    };

    private static Guid? TestId(string? value) =>
        value is null ? null
        : Guid.TryParse(value, out var g) ? g
        : new Guid(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(value)));

    // ---- values --------------------------------------------------------------------------------

    /// <summary>Seconds as JUnit writers put them: "1.5", "1,234.5" (Surefire with a grouping separator), "1,5".</summary>
    public static double? Seconds(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var v = value.Trim();
        if (v.Contains(',') && v.Contains('.'))
        {
            v = v.Replace(",", "", StringComparison.Ordinal);
        }
        else if (v.Contains(','))
        {
            v = v.Replace(',', '.');
        }
        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) && s >= 0 ? s : null;
    }

    private static DateTimeOffset? Date(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    /// <summary>The short message: the message attribute, else the first line of the details.</summary>
    private static string? MessageOf(string? message, string? details)
    {
        var text = Blank(message) ?? Blank(details);
        if (text is null)
        {
            return null;
        }
        if (message is null)
        {
            var newline = text.IndexOfAny(['\r', '\n']);
            if (newline > 0)
            {
                text = text[..newline].Trim();
            }
        }
        return QualityLimits.Truncate(text, QualityLimits.MessageLength);
    }
}
