using BackendPortal.Features.Apis.Spec;

namespace BackendPortal.Features.Apis;

public sealed class SpecReaderTests
{
    [Fact]
    public void Reads_openapi_30_yaml_with_operations_parameters_bodies_and_refs()
    {
        var result = SpecReader.Read(SpecFixtures.Perfect);
        var index = result.Index;
        Assert.Equal("3.0", index.SpecVersion);
        Assert.Equal("1.0.0", index.InfoVersion);
        Assert.Equal(2, index.Operations.Count);
        var get = index.Operations.Single(o => o.OperationId == "getOrder");
        Assert.Equal("GET", get.Method);
        Assert.Equal("/orders/{id}", get.Path);
        Assert.Equal(["id", "expand"], get.Parameters.Select(p => p.Name));
        Assert.Equal(["lines", "customer"], get.Parameters[1].Schema!.Enum!);
        Assert.Equal("Order", get.Responses.Single(r => r.Status == "200").Content[0].Schema!.Ref);
        Assert.Equal([["bearer"]], get.Security);
        Assert.Equal("Order", index.Schemas["Order"].Properties!["parent"].Ref);
        Assert.Empty(index.UnusedComponents);
    }

    [Fact]
    public void Reads_openapi_30_json()
    {
        var index = SpecReader.Read(SpecFixtures.PerfectJson()).Index;
        Assert.Equal("3.0", index.SpecVersion);
        Assert.Equal(2, index.Operations.Count);
        Assert.Equal("string", index.Schemas["NewOrder"].Properties!["customer"].Type);
    }

    [Fact]
    public void Reads_openapi_31_json_with_type_arrays_and_yaml()
    {
        var index = SpecReader.Read(SpecFixtures.OpenApi31Json).Index;
        Assert.Equal("3.1", index.SpecVersion);
        var thing = index.Schemas["Thing"];
        Assert.Equal("object", thing.Type);
        Assert.True(thing.Nullable);
        Assert.Equal("array of Thing", index.Operations[0].Responses[0].Content[0].Schema!.Display());

        var yaml = SpecReader.Read(SpecFixtures.ToYaml31()).Index;
        Assert.Equal("3.1", yaml.SpecVersion);
        Assert.Single(yaml.Operations);
    }

    [Fact]
    public void Reads_swagger_20_json_and_yaml_with_definitions_and_vendor_extensions()
    {
        var index = SpecReader.Read(SpecFixtures.Swagger2Json).Index;
        Assert.Equal("2.0", index.SpecVersion);
        var op = Assert.Single(index.Operations);
        Assert.Equal("/pets/{petId}", op.Path);
        Assert.Equal("integer", op.Parameters[0].Schema!.Type);
        Assert.Equal("Pet", op.Responses.Single(r => r.Status == "200").Content[0].Schema!.Ref);
        Assert.Equal("Pet", index.Schemas["Pet"].Properties!["friends"].Items!.Ref);

        var yaml = SpecReader.Read(SpecFixtures.Swagger2Yaml).Index;
        Assert.Equal("2.0", yaml.SpecVersion);
        Assert.Equal("array of string", yaml.Operations[0].Responses[0].Content[0].Schema!.Display());
    }

    [Theory]
    [InlineData("")]
    [InlineData("just some text")]
    [InlineData("{ \"openapi\": \"3.0.0\", ")]
    [InlineData("{ \"name\": \"not a spec\" }")]
    [InlineData("[1, 2, 3]")]
    [InlineData("openapi: 3.0.0\ninfo:\n  title: x\n  version: '1'\n")]
    [InlineData("name: not a spec\nvalue: 3\n")]
    [InlineData("\u0000\u0001\u0002binary")]
    public void Refuses_input_that_is_not_an_openapi_document_with_messages(string garbage)
    {
        var e = Assert.Throws<SpecUnreadableException>(() => SpecReader.Read(garbage));
        Assert.NotEmpty(e.Problems);
        Assert.All(e.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Message)));
    }

    [Fact]
    public void Broken_json_names_the_line()
    {
        var e = Assert.Throws<SpecUnreadableException>(() => SpecReader.Read("{\n \"openapi\": \"3.0.0\",\n \"paths\": { oops }\n}"));
        Assert.Contains("LineNumber: 2", e.Problems[0].Message);
    }

    [Fact]
    public void Recoverable_errors_are_kept_as_diagnostics_not_refusals()
    {
        // No info object at all: the parser complains but the operations are still there.
        var text = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n";
        var result = SpecReader.Read(text);
        Assert.Single(result.Index.Operations);
        Assert.NotEmpty(result.Diagnostics);
        var score = SpecScorer.Score(result.Index, result.Diagnostics);
        Assert.Contains(score.Findings, f => f.Rule == "parser");
    }

    [Fact]
    public void Recursive_and_mutually_recursive_schemas_index_and_diff_without_looping()
    {
        const string spec = """
openapi: 3.0.0
info: { title: T, version: '1' }
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/A' }
components:
  schemas:
    A:
      type: object
      properties:
        b: { $ref: '#/components/schemas/B' }
        self: { $ref: '#/components/schemas/A' }
    B:
      type: object
      properties:
        a: { type: array, items: { $ref: '#/components/schemas/A' } }
        name: { type: string }
""";
        var before = SpecReader.Read(spec).Index;
        var after = SpecReader.Read(spec.Replace("\n        name: { type: string }", "")).Index;
        var changes = SpecDiff.Compare(before, after);
        var removed = Assert.Single(changes, c => c.Kind == "response-property-removed");
        Assert.Contains("b/name", removed.Message);
    }

    [Fact]
    public void Large_generated_spec_with_vendor_extensions_and_a_deep_ref_chain_reads()
    {
        var text = SampleSpecs.Generate(250);
        var index = SpecReader.Read(text).Index;
        Assert.Equal(1250, index.Operations.Count);
        Assert.Equal(502, index.Schemas.Count);
        Assert.Empty(index.UnusedComponents);

        var chain = new System.Text.StringBuilder("openapi: 3.0.0\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/S0' }\ncomponents:\n  schemas:\n");
        for (var i = 0; i < 200; i++)
        {
            chain.Append($"    S{i}: {{ type: object, properties: {{ next: {{ $ref: '#/components/schemas/S{i + 1}' }} }} }}\n");
        }
        chain.Append("    S200: { type: string }\n");
        var deep = SpecReader.Read(chain.ToString()).Index;
        Assert.Equal(201, deep.Schemas.Count);
        Assert.Empty(SpecDiff.Compare(deep, deep));
    }
}
