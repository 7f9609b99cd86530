using BackendPortal.Features.Apis.Spec;

namespace BackendPortal.Features.Apis;

/// <summary>
/// YAML the parser's own reader (SharpYaml) refuses although it is valid YAML 1.2: read again with YamlDotNet, typed
/// as the parser's reader types scalars, so both paths give the same index.
/// </summary>
public sealed class SpecYamlTests
{
    // The security layout of the Swagger petstore, with scopes written as a flow sequence as many real specs write them.
    private const string FlowScopes = """
        openapi: 3.0.3
        info:
          title: Petstore
          version: 1.0.0
        security:
          - petstore_auth: [write:pets, read:pets]
        paths:
          /pets/{petId}:
            get:
              operationId: getPet
              summary: One pet
              security:
                - api_key: []
                - petstore_auth: [read:pets]
              parameters:
                - name: petId
                  in: path
                  required: true
                  schema: { type: integer, format: int64, enum: [1, 2.5, '3', true, null] }
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Pet'
                      example: { id: 1, name: '10', tag: ~, born: 2020-01-01, vip: false }
        components:
          securitySchemes:
            api_key: { type: apiKey, name: api_key, in: header }
            petstore_auth:
              type: oauth2
              flows:
                implicit:
                  authorizationUrl: https://petstore.example/oauth/authorize
                  scopes: { 'write:pets': modify pets, 'read:pets': read pets }
          schemas:
            Pet:
              type: object
              properties:
                id: { type: integer }
                name: { type: string }
        """;

    [Fact]
    public void Scopes_in_a_flow_sequence_are_read()
    {
        var result = SpecReader.Read(FlowScopes);
        var op = Assert.Single(result.Index.Operations);
        Assert.Equal("getPet", op.OperationId);
        Assert.Equal([["api_key"], ["petstore_auth"]], op.Security);
        Assert.Equal([["petstore_auth"]], result.Index.DocumentSecurity!);
        Assert.Equal(["api_key", "petstore_auth"], result.Index.SecuritySchemes.Order());
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void Scalars_are_typed_as_the_parsers_own_yaml_reader_types_them()
    {
        var op = Assert.Single(SpecReader.Read(FlowScopes).Index.Operations);
        // Plain numbers, booleans and null keep their type; a quoted '3' stays text.
        Assert.Equal(["1", "2.5", "3", "true", "null"], op.Parameters.Single().Schema!.Enum!);
        var example = op.Responses.Single().Content.Single().Example!;
        Assert.Contains("\"id\": 1", example);
        Assert.Contains("\"name\": \"10\"", example);
        Assert.Contains("\"tag\": null", example);
        Assert.Contains("\"vip\": false", example);
    }

    [Fact]
    public void The_same_document_the_first_reader_takes_gives_the_same_index_through_yamldotnet()
    {
        // Block-style scopes are read by the parser's reader; the converter must agree with it on everything else.
        var block = FlowScopes
            .Replace("  - petstore_auth: [write:pets, read:pets]", "  - petstore_auth:\n      - write:pets\n      - read:pets")
            .Replace("    - petstore_auth: [read:pets]", "    - petstore_auth:\n            - read:pets");
        var direct = SpecReader.Read(block).Index;
        var converted = SpecReader.Read(FlowScopes).Index;
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(direct), System.Text.Json.JsonSerializer.Serialize(converted));
    }

    [Fact]
    public void A_null_in_an_enum_or_example_shows_as_null_not_as_the_parsers_sentinel()
    {
        const string spec = """
            {"openapi":"3.0.3","info":{"title":"N","version":"1"},"paths":{"/n":{"get":{"parameters":[
              {"name":"q","in":"query","schema":{"type":"string","nullable":true,"enum":["a",null]},"example":null}],
              "responses":{"200":{"description":"OK","content":{"application/json":{"example":{"x":null,"y":[null]}}}}}}}}}
            """;
        var op = Assert.Single(SpecReader.Read(spec).Index.Operations);
        var parameter = op.Parameters.Single();
        Assert.Equal(["a", "null"], parameter.Schema!.Enum!);
        var example = op.Responses.Single().Content.Single().Example!;
        Assert.Contains("\"x\": null", example);
        Assert.DoesNotContain("sentinel", example);
        Assert.NotEqual(true, parameter.Example?.Contains("sentinel"));
    }

    [Fact]
    public void Anchors_and_aliases_are_copied_and_keys_stay_as_written()
    {
        using var body = SpecBytes.FromString("""
            base: &b { type: string, enum: [a, b] }
            copy: *b
            codes: { 200: ok, 1e3: big }
            """);
        var json = System.Text.Encoding.UTF8.GetString(YamlToJson.ToUtf8(body));
        Assert.Equal("""{"base":{"type":"string","enum":["a","b"]},"copy":{"type":"string","enum":["a","b"]},"codes":{"200":"ok","1e3":"big"}}""", json);
    }

    [Fact]
    public void An_alias_bomb_is_refused_before_it_is_expanded()
    {
        var yaml = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 5; i++)
        {
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }
        using var body = SpecBytes.FromString(yaml.ToString());
        // a4 stands for 111,111 nodes: refused at a limit of 100,000 before its last copies are made.
        var e = Assert.Throws<Catalog.YamlReadException>(() => YamlToJson.ToUtf8(body, maxAliasExpansion: 100_000));
        Assert.Contains("expand to more than 100,000 nodes", e.Message);
        Assert.Equal(5, e.Line);
    }

    [Fact]
    public void Yaml_neither_reader_takes_is_still_a_400_with_the_first_readers_message()
    {
        var e = Assert.Throws<SpecUnreadableException>(() => SpecReader.Read("openapi: 3.0.3\ninfo:\n  title: [unclosed\npaths: {}\n"));
        Assert.Contains(e.Problems, p => p.IsError && p.Message.Length > 0);
    }
}
