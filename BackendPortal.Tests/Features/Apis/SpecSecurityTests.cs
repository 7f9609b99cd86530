using BackendPortal.Features.Apis.Spec;

namespace BackendPortal.Features.Apis;

/// <summary>The "security-defined" rule and the security diff against OpenAPI 3.0/3.1 and Swagger 2.0 semantics.</summary>
public sealed class SpecSecurityTests
{
    private const string Schemes = "components:\n  securitySchemes:\n    bearer: { type: http, scheme: bearer }\n    key: { type: apiKey, in: header, name: X-Key }\n";

    private static string Oas(string version, string global, string getSecurity, string postSecurity = "") =>
        $"openapi: {version}\ninfo: {{ title: T, version: '1' }}\n{global}paths:\n  /a:\n    get:\n{getSecurity}      responses: {{ '200': {{ description: ok }} }}\n" +
        $"    post:\n{postSecurity}      responses: {{ '200': {{ description: ok }} }}\n{Schemes}";

    private static List<SpecFinding> Findings(string spec)
    {
        var read = SpecReader.Read(spec);
        return SpecScorer.Score(read.Index, read.Diagnostics).Findings.Where(f => f.Rule == "security-defined").ToList();
    }

    [Theory]
    [InlineData("3.0.3")]
    [InlineData("3.1.0")]
    public void Global_security_applies_to_operations_without_their_own(string version) =>
        Assert.Empty(Findings(Oas(version, "security:\n  - bearer: []\n", "")));

    [Theory]
    [InlineData("3.0.3")]
    [InlineData("3.1.0")]
    public void Operation_security_empty_list_overrides_the_document_and_is_flagged(string version)
    {
        var finding = Assert.Single(Findings(Oas(version, "security:\n  - bearer: []\n", "      security: []\n")));
        Assert.Equal("/paths/~1a/get/security", finding.Location);
        Assert.Contains("GET /a turns security off (security: [])", finding.Message);
    }

    [Fact]
    public void Document_security_empty_list_is_flagged_on_the_document_and_on_each_operation_that_inherits_it()
    {
        var findings = Findings(Oas("3.0.3", "security: []\n", "", "      security:\n        - key: []\n"));
        Assert.Contains(findings, f => f.Location == "/security" && f.Message.Contains("security: []"));
        var op = Assert.Single(findings, f => f.Message.StartsWith("GET /a", StringComparison.Ordinal));
        Assert.Contains("inherits the document's security, which is turned off", op.Message);
        Assert.DoesNotContain(findings, f => f.Message.StartsWith("POST /a", StringComparison.Ordinal));
        Assert.Equal(2, findings.Count);
    }

    [Fact]
    public void Anonymous_only_is_flagged_but_optional_credentials_pass()
    {
        var findings = Findings(Oas("3.0.3", "", "      security: [{}]\n", "      security: [{}, {bearer: []}]\n"));
        var finding = Assert.Single(findings);
        Assert.Contains("GET /a allows anonymous calls only", finding.Message);
    }

    [Fact]
    public void No_security_anywhere_names_the_operation_and_not_the_document()
    {
        var findings = Findings(Oas("3.0.3", "", ""));
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Contains("neither its own nor the document's", f.Message));
        Assert.DoesNotContain(findings, f => f.Location == "/security");
    }

    [Fact]
    public void Undefined_schemes_are_reported_where_they_are_named_once()
    {
        var findings = Findings(Oas("3.0.3", "security:\n  - nope: []\n", "", "      security:\n        - bearer: []\n          ghost: []\n"));
        Assert.Contains(findings, f => f.Location == "/security/0/nope" && f.Message.Contains("'nope'"));
        Assert.Contains(findings, f => f.Location == "/paths/~1a/post/security/0/ghost" && f.Message.StartsWith("POST /a requires security scheme 'ghost'", StringComparison.Ordinal));
        Assert.Equal(2, findings.Count);
    }

    [Fact]
    public void Swagger2_uses_securityDefinitions_and_the_same_override_rules()
    {
        const string spec = """
swagger: '2.0'
info: { title: T, version: '1' }
securityDefinitions:
  key: { type: apiKey, in: header, name: X-Key }
  oauth: { type: oauth2, flow: implicit, authorizationUrl: 'https://example.com/auth', scopes: { read: Read } }
security:
  - key: []
paths:
  /a:
    get:
      responses: { '200': { description: ok } }
    post:
      security: []
      responses: { '200': { description: ok } }
    put:
      security:
        - oauth: [read]
      responses: { '200': { description: ok } }
""";
        var finding = Assert.Single(Findings(spec));
        Assert.Equal("/paths/~1a/post/security", finding.Location);

        var none = Findings("swagger: '2.0'\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get:\n      responses: { '200': { description: ok } }\n");
        Assert.Contains(none, f => f.Location == "/securityDefinitions" && f.Message.Contains("securityDefinitions"));
    }

    [Fact]
    public void Turning_security_off_lowers_the_score()
    {
        var read = SpecReader.Read(SpecFixtures.Perfect.Replace("security:\n  - bearer: []\n", "security: []\n"));
        var score = SpecScorer.Score(read.Index, read.Diagnostics);
        Assert.True(score.Score < 100);
        Assert.True(score.Rules.Single(r => r.Rule == "security-defined").Failed >= 3);
    }

    private static List<SpecChange> Diff(string before, string after) =>
        SpecDiff.Compare(SpecReader.Read(before).Index, SpecReader.Read(after).Index).Where(c => c.Kind.StartsWith("api-security", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Diff_removing_the_alternative_a_client_used_is_breaking()
    {
        var changes = Diff(Oas("3.0.3", "security:\n  - bearer: []\n  - key: []\n", ""), Oas("3.0.3", "security:\n  - bearer: []\n", ""));
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.Equal(ChangeLevels.Breaking, c.Level));
        Assert.All(changes, c => Assert.Contains("'key' now fail", c.Message));
    }

    [Fact]
    public void Diff_adding_an_alternative_is_not_breaking()
    {
        var changes = Diff(Oas("3.0.3", "security:\n  - bearer: []\n", ""), Oas("3.0.3", "security:\n  - bearer: []\n  - key: []\n", ""));
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.Equal(ChangeLevels.Info, c.Level));
    }

    [Fact]
    public void Diff_anonymous_allowed_then_required_is_breaking_and_the_reverse_is_a_warning()
    {
        var optional = Oas("3.0.3", "security:\n  - {}\n  - bearer: []\n", "");
        var required = Oas("3.0.3", "security:\n  - bearer: []\n", "");
        var tightened = Diff(optional, required);
        Assert.Equal(2, tightened.Count);
        Assert.All(tightened, c => Assert.Equal((ChangeLevels.Breaking, "api-security-added"), (c.Level, c.Kind)));
        var loosened = Diff(required, Oas("3.0.3", "", "      security: []\n", "      security: []\n"));
        Assert.Equal(2, loosened.Count);
        Assert.All(loosened, c => Assert.Equal((ChangeLevels.Warning, "api-security-removed"), (c.Level, c.Kind)));
    }
}
