using BackendPortal.Features.Apis.Spec;

namespace BackendPortal.Features.Apis;

public sealed class SpecScorerTests
{
    private static SpecScore Score(string spec)
    {
        var read = SpecReader.Read(spec);
        return SpecScorer.Score(read.Index, read.Diagnostics);
    }

    [Fact]
    public void Weights_add_up_to_100_and_a_well_documented_spec_scores_100()
    {
        Assert.Equal(100, SpecScorer.Rules.Sum(r => r.Weight));
        var score = Score(SpecFixtures.Perfect);
        Assert.Empty(score.Findings);
        Assert.Equal(100, score.Score);
    }

    [Theory]
    [InlineData("info-description", "  description: Orders of the shop.\n", "")]
    [InlineData("info-contact", "  contact:\n    name: Orders team\n    email: orders@example.com\n", "")]
    [InlineData("operation-description", "      summary: Get an order\n", "")]
    [InlineData("operation-operationId", "      operationId: getOrder\n", "")]
    [InlineData("operation-operationId-unique", "operationId: createOrder", "operationId: getOrder")]
    [InlineData("operation-tags", "      operationId: getOrder\n      summary: Get an order\n      tags: [orders]\n", "      operationId: getOrder\n      summary: Get an order\n")]
    [InlineData("operation-success-response", "        '201':\n          description: Created.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Order'\n              example:\n                id: o1\n                status: open\n", "")]
    [InlineData("operation-4xx-response", "        '404':\n          description: No such order.\n", "")]
    [InlineData("parameter-description", "          description: Order id.\n          schema:\n            type: string\n        - name: expand", "          schema:\n            type: string\n        - name: expand")]
    [InlineData("property-description", "          description: Total amount.\n", "")]
    [InlineData("media-schema", "            schema:\n              $ref: '#/components/schemas/NewOrder'\n", "")]
    [InlineData("media-examples", "            example:\n              customer: c1\n", "")]
    [InlineData("path-params", "        - name: id\n          in: path", "        - name: orderId\n          in: path")]
    [InlineData("security-defined", "security:\n  - bearer: []\n", "")]
    [InlineData("unused-components", "components:\n  securitySchemes:", "components:\n  schemas2: {}\n  parameters:\n    Spare:\n      name: spare\n      in: query\n  securitySchemes:")]
    public void Each_rule_reports_its_finding_with_pointer_and_lowers_the_score(string rule, string find, string replace)
    {
        Assert.Contains(find, SpecFixtures.Perfect);
        var score = Score(SpecFixtures.Perfect.Replace(find, replace));
        var finding = score.Findings.First(f => f.Rule == rule);
        Assert.StartsWith("/", finding.Location);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
        Assert.Contains(finding.Severity, new[] { "error", "warn", "info" });
        Assert.True(score.Score < 100, $"{rule}: score stayed {score.Score}");
        var outcome = score.Rules.Single(r => r.Rule == rule);
        Assert.True(outcome.Failed > 0 && outcome.Lost > 0);
    }

    [Fact]
    public void Pointers_escape_slashes_and_tildes()
    {
        var score = Score(SpecFixtures.Perfect.Replace("      operationId: getOrder\n", ""));
        var finding = Assert.Single(score.Findings, f => f.Rule == "operation-operationId");
        Assert.Equal("/paths/~1orders~1{id}/get/operationId", finding.Location);
    }

    [Fact]
    public void A_bare_spec_scores_low_and_never_below_zero()
    {
        var score = Score("openapi: 3.0.0\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get:\n      responses: {}\n");
        Assert.InRange(score.Score, 0, 50);
    }
}
