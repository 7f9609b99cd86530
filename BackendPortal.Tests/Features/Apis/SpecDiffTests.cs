using BackendPortal.Features.Apis.Spec;

namespace BackendPortal.Features.Apis;

public sealed class SpecDiffTests
{
    private static IReadOnlyList<SpecChange> Diff(string find, string replace)
    {
        Assert.Contains(find, SpecFixtures.Perfect);
        var before = SpecReader.Read(SpecFixtures.Perfect).Index;
        var after = SpecReader.Read(SpecFixtures.Perfect.Replace(find, replace)).Index;
        return SpecDiff.Compare(before, after);
    }

    private static SpecChange One(IReadOnlyList<SpecChange> changes, string kind, string level, params string[] named)
    {
        var change = changes.FirstOrDefault(c => c.Kind == kind)
            ?? throw new Xunit.Sdk.XunitException($"no {kind} in: " + string.Join("; ", changes.Select(c => $"{c.Kind}: {c.Message}")));
        Assert.Equal(level, change.Level);
        foreach (var name in named)
        {
            Assert.Contains(name, change.Message);
        }
        return change;
    }

    [Fact]
    public void Same_document_has_no_changes_and_renamed_path_parameters_match()
    {
        Assert.Empty(Diff("info:", "info:"));
        var renamed = Diff("  /orders/{id}:", "  /orders/{orderId}:").Where(c => c.Level == ChangeLevels.Breaking).ToList();
        Assert.DoesNotContain(renamed, c => c.Kind is "api-removed" or "api-path-removed");
    }

    [Fact]
    public void Path_removed() =>
        One(Diff("  /orders:\n    post:", "  /baskets:\n    post:"), "api-path-removed", ChangeLevels.Breaking, "/orders");

    [Fact]
    public void Operation_removed_and_added()
    {
        var changes = Diff("  /orders:\n    post:", "  /orders:\n    put:");
        var removed = One(changes, "api-removed", ChangeLevels.Breaking, "POST /orders");
        Assert.Equal("POST", removed.Method);
        One(changes, "endpoint-added", ChangeLevels.Info, "PUT /orders");
    }

    [Fact]
    public void Required_parameter_added_and_optional_parameter_added()
    {
        One(Diff("      parameters:\n        - name: id", "      parameters:\n        - name: tenant\n          in: header\n          required: true\n          schema: { type: string }\n        - name: id"),
            "new-required-request-parameter", ChangeLevels.Breaking, "tenant");
        One(Diff("      parameters:\n        - name: id", "      parameters:\n        - name: page\n          in: query\n          schema: { type: integer }\n        - name: id"),
            "new-optional-request-parameter", ChangeLevels.Info, "page");
    }

    [Fact]
    public void Optional_parameter_made_required() =>
        One(Diff("        - name: expand\n          in: query\n", "        - name: expand\n          in: query\n          required: true\n"),
            "request-parameter-became-required", ChangeLevels.Breaking, "expand");

    [Fact]
    public void Request_property_made_required_and_new_required_property()
    {
        One(Diff("      required: [customer]\n", "      required: [customer, channel]\n"), "request-property-became-required", ChangeLevels.Breaking, "channel");
        One(Diff("      required: [customer]\n      properties:\n", "      required: [customer, store]\n      properties:\n        store:\n          type: string\n"),
            "new-required-request-property", ChangeLevels.Breaking, "store");
    }

    [Fact]
    public void Request_property_type_changed() =>
        One(Diff("        note:\n          type: string", "        note:\n          type: integer"), "request-property-type-changed", ChangeLevels.Breaking, "note", "string", "integer");

    [Fact]
    public void Response_property_type_changed() =>
        One(Diff("        total:\n          type: number", "        total:\n          type: string"), "response-property-type-changed", ChangeLevels.Breaking, "total", "number", "string");

    [Fact]
    public void Response_property_removed() =>
        One(Diff("        total:\n          type: number\n          description: Total amount.\n", ""), "response-property-removed", ChangeLevels.Breaking, "total");

    [Fact]
    public void Success_status_removed() =>
        One(Diff("        '201':\n          description: Created.", "        '202':\n          description: Created."), "response-success-status-removed", ChangeLevels.Breaking, "201");

    [Fact]
    public void Enum_value_removed_from_request_parameter_and_property()
    {
        One(Diff("enum: [lines, customer]", "enum: [lines]"), "request-parameter-enum-value-removed", ChangeLevels.Breaking, "customer", "expand");
        One(Diff("enum: [web, store]", "enum: [web]"), "request-property-enum-value-removed", ChangeLevels.Breaking, "store", "channel");
    }

    [Fact]
    public void Enum_value_added_to_a_response_is_a_warning() =>
        One(Diff("enum: [open, shipped]", "enum: [open, shipped, lost]"), "response-property-enum-value-added", ChangeLevels.Warning, "lost", "status");

    [Fact]
    public void Security_requirement_added_is_breaking()
    {
        var before = SpecReader.Read(SpecFixtures.Perfect.Replace("security:\n  - bearer: []\n", "")).Index;
        var after = SpecReader.Read(SpecFixtures.Perfect).Index;
        One(SpecDiff.Compare(before, after), "api-security-added", ChangeLevels.Breaking, "bearer");
    }

    [Fact]
    public void Operation_deprecated_is_a_warning() =>
        One(Diff("      operationId: getOrder\n", "      operationId: getOrder\n      deprecated: true\n"), "api-deprecated", ChangeLevels.Warning, "GET /orders/{id}");

    [Fact]
    public void Breaking_changes_come_first() =>
        Assert.Equal(ChangeLevels.Breaking, Diff("  /orders:\n    post:", "  /orders:\n    put:")[0].Level);

    [Fact]
    public void Generated_versions_diff_removed_operations_and_required_parameter()
    {
        var v1 = SpecReader.Read(SampleSpecs.Generate(20)).Index;
        var v2 = SpecReader.Read(SampleSpecs.Generate(20, "2.0.0", dropLastResource: true, extraRequiredParam: true)).Index;
        var changes = SpecDiff.Compare(v1, v2);
        Assert.Equal(5, changes.Count(c => c.Kind == "api-path-removed"));
        Assert.Single(changes, c => c.Kind == "new-required-request-parameter");
    }
}
