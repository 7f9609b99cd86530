using BackendPortal.Components;
using BackendPortal.Features.Apis.Spec;
using Bunit;

namespace BackendPortal.Features.Apis;

/// <summary>Defects found by running real documents (OAI examples, APIs.guru, GitHub-style 3.1) through the ingest path.</summary>
public sealed class SpecRealWorldTests
{
    // From OAI/OpenAPI-Specification examples/v2.0/yaml/petstore-separate/spec/swagger.yaml (Apache-2.0), shortened.
    private const string Swagger2SplitFiles = """
        swagger: "2.0"
        info:
          version: 1.0.0
          title: Swagger Petstore
        paths:
          /pets:
            get:
              operationId: findPets
              parameters:
                - $ref: 'parameters.yaml#/tagsParam'
              responses:
                200:
                  description: pet response
                  schema:
                    type: array
                    items:
                      $ref: 'Pet.yaml'
                default:
                  description: unexpected error
                  schema:
                    $ref: '../common/Error.yaml'
        """;

    [Fact]
    public void A_swagger_20_document_referring_to_whole_other_files_is_a_400_naming_them_not_a_crash()
    {
        // Microsoft.OpenApi throws IndexOutOfRangeException on `$ref: 'Pet.yaml'` (no fragment) in Swagger 2.0.
        var e = Assert.Throws<SpecUnreadableException>(() => SpecReader.Read(Swagger2SplitFiles));
        var message = Assert.Single(e.Problems).Message;
        Assert.Contains("'Pet.yaml'", message);
        Assert.Contains("'../common/Error.yaml'", message);
        Assert.Contains("'parameters.yaml#/tagsParam'", message);
        Assert.Contains("bundle", message);
    }

    [Fact]
    public void References_to_other_files_in_openapi_30_are_warned_about_and_leave_no_nameless_parameter()
    {
        const string spec = """
            openapi: 3.0.3
            info:
              title: Split spec
              version: 1.0.0
            paths:
              /pets:
                get:
                  summary: List pets
                  operationId: listPets
                  parameters:
                    - $ref: './parameters.yaml#/limit'
                    - name: page
                      in: query
                      schema:
                        type: integer
                  responses:
                    '200':
                      description: Pets
                      content:
                        application/json:
                          schema:
                            type: array
                            items:
                              $ref: './schemas/Pet.yaml'
            """;
        var read = SpecReader.Read(spec);
        var op = Assert.Single(read.Index.Operations);
        Assert.Equal(["page"], op.Parameters.Select(p => p.Name));
        var warnings = read.Diagnostics.Where(d => !d.IsError && d.Message.Contains("refers to another file")).Select(d => d.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("'./parameters.yaml#/limit'", warnings[0]);
        Assert.StartsWith("'./schemas/Pet.yaml'", warnings[1]);
        // A warning, not an error: the parser rule of the score is not charged for it.
        Assert.DoesNotContain(SpecScorer.Score(read.Index, read.Diagnostics).Rules, r => r.Rule == "parser" && r.Lost > 0);
    }

    [Fact]
    public void Internal_references_are_not_taken_for_other_files()
    {
        Assert.Empty(SpecReader.ExternalRefs("""{"a": {"$ref": "#/definitions/Pet"}, "b": {"$ref":"#/x"}}"""));
        Assert.Equal(["https://example.com/pet.json", "Pet.yaml"], SpecReader.ExternalRefs("""{"a": {"$ref": "https://example.com/pet.json"}, "b": {"$ref": "Pet.yaml"}, "c": {"$ref": "Pet.yaml"}}"""));
    }

    [Fact]
    public void References_to_other_files_are_found_in_yaml_as_written()
    {
        const string yaml = """
            paths:
              /pets:
                get:
                  parameters:
                    - $ref: '#/parameters/limit'
                    - $ref:  parameters.yaml#/limit
                  responses:
                    default:
                      $ref: "../common/Error.yaml"
            """;

        Assert.Equal(["parameters.yaml#/limit", "../common/Error.yaml"], SpecReader.ExternalRefs(yaml));
    }

    [Fact]
    public void The_32_version_is_found_only_as_the_root_field()
    {
        Assert.Equal("3.2.0", SpecReader.Version32("openapi: 3.2.0\ninfo:\n  title: t\n"u8));
        Assert.Equal("3.2.1", SpecReader.Version32("""{"openapi": "3.2.1", "info": {}}"""u8));
        Assert.Null(SpecReader.Version32("openapi: 3.1.0\ninfo:\n  description: 'openapi: 3.2.0'\n"u8));
    }

    private const string Swagger2FileResponses = """
        swagger: "2.0"
        info:
          title: Documents
          version: "1"
        produces: [application/json]
        responses:
          Download:
            description: The file.
            schema:
              type: file
        paths:
          /documents/{id}/content:
            get:
              operationId: download
              produces: [application/pdf]
              parameters:
                - name: id
                  in: path
                  required: true
                  type: string
              responses:
                200:
                  description: The file.
                  schema:
                    type: file
                404:
                  description: Not found.
                  schema:
                    type: string
          /documents/{id}/thumbnail:
            get:
              operationId: thumbnail
              produces: [image/png]
              parameters:
                - name: id
                  in: path
                  required: true
                  type: string
              responses:
                '200':
                  $ref: '#/responses/Download'
        """;

    private const string Swagger2FileResponsesJson = """
        {"swagger": "2.0", "info": {"title": "Documents", "version": "1"}, "produces": ["application/json"], "responses": {"Download": {"description": "The file.", "schema": {"type": "file"}}}, "paths": {"/documents/{id}/content": {"get": {"operationId": "download", "produces": ["application/pdf"], "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"description": "The file.", "schema": {"type": "file"}}, "404": {"description": "Not found.", "schema": {"type": "string"}}}}}, "/documents/{id}/thumbnail": {"get": {"operationId": "thumbnail", "produces": ["image/png"], "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"$ref": "#/responses/Download"}}}}}}
        """;

    [Fact]
    public void A_swagger_20_file_response_is_a_binary_body_in_yaml_and_json()
    {
        foreach (var text in new[] { Swagger2FileResponses, Swagger2FileResponsesJson })
        {
            var index = SpecReader.Read(text).Index;
            var download = index.Operations.Single(o => o.OperationId == "download");
            var ok = Assert.Single(download.Responses.Single(r => r.Status == "200").Content);
            Assert.Equal("application/pdf", ok.MediaType);
            Assert.Equal("string (binary)", ok.Schema!.Display());
            // A plain string response stays a string.
            Assert.Equal("string", download.Responses.Single(r => r.Status == "404").Content[0].Schema!.Display());
            var thumbnail = index.Operations.Single(o => o.OperationId == "thumbnail");
            Assert.Equal("string (binary)", thumbnail.Responses.Single().Content.Single().Schema!.Display());
        }
    }

    [Fact]
    public void Openapi_31_const_is_an_enum_of_one_and_a_null_member_of_anyOf_shows_as_null()
    {
        const string spec = """
            openapi: 3.1.0
            info:
              title: Events
              version: 1.0.0
            paths:
              /events:
                get:
                  responses:
                    '200':
                      description: OK
                      content:
                        application/json:
                          schema:
                            $ref: '#/components/schemas/Event'
            components:
              schemas:
                Event:
                  type: object
                  properties:
                    action:
                      type: string
                      const: created
                    parent:
                      anyOf:
                        - type: 'null'
                        - $ref: '#/components/schemas/Event'
            """;
        var index = SpecReader.Read(spec).Index;
        var props = index.Schemas["Event"].Properties!;
        Assert.Equal(["created"], props["action"].Enum!);
        Assert.Equal("any of null | Event", props["parent"].Display());

        // Changing a const in a response is reported like an enum change.
        var next = SpecReader.Read(spec.Replace("const: created", "const: opened")).Index;
        Assert.Contains(SpecDiff.Compare(index, next), c => c.Message.Contains("opened"));
    }
}

/// <summary>From ReadMe's oas-examples (3.1 schema-types, parameters-style): operations without `responses`.</summary>
public sealed class SpecOptionalResponsesTests
{
    private const string NoResponses = """
        openapi: 3.1.0
        info: { title: Anything, version: 1.0.0 }
        paths:
          /anything/strings:
            post:
              summary: Post a string
              requestBody:
                content:
                  application/json:
                    schema: { type: string }
        """;

    [Fact]
    public void An_openapi_31_operation_without_responses_is_not_a_parser_error_but_still_charged_by_the_score()
    {
        var result = SpecReader.Read(NoResponses);
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var score = SpecScorer.Score(result.Index, result.Diagnostics);
        Assert.Contains(score.Findings, f => f.Rule == "operation-success-response");
    }

    [Fact]
    public void An_openapi_30_operation_without_responses_stays_a_parser_error()
    {
        var result = SpecReader.Read(NoResponses.Replace("openapi: 3.1.0", "openapi: 3.0.3"));
        Assert.Contains(result.Diagnostics, d => d.IsError && d.Pointer.EndsWith("/responses", StringComparison.Ordinal));
    }
}

/// <summary>codat.io's specs on APIs.guru: a boolean subschema crashed Microsoft.OpenApi 2.13 (NullReferenceException).</summary>
public sealed class SpecBooleanSchemaTests
{
    private const string Json = """
        {"openapi":"3.1.0","info":{"title":"Codat-like","version":"1"},
         "paths":{"/connections":{"get":{"summary":"List","responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/DataConnection"}}}}}}}},
         "components":{"schemas":{"DataConnection":{"type":"object",
           "properties":{"additionalProperties":false,"id":{"type":"string"},"anything":true,"tags":{"type":"array","items":true}},
           "allOf":[true]}}}}
        """;

    [Fact]
    public void Boolean_subschemas_are_read_in_their_object_form_with_a_warning()
    {
        var result = SpecReader.Read(Json);
        Assert.Single(result.Index.Operations);
        var props = result.Index.Schemas["DataConnection"].Properties!;
        Assert.Equal(["additionalProperties", "id", "anything", "tags"], props.Keys);
        Assert.Equal("string", props["id"].Type);
        var warning = Assert.Single(result.Diagnostics, d => d.Message.Contains("boolean schema"));
        Assert.False(warning.IsError);
        Assert.StartsWith("4 boolean schema(s)", warning.Message);
        Assert.Equal("/components/schemas/DataConnection/properties/additionalProperties", warning.Pointer);
    }

    [Fact]
    public void The_same_in_yaml()
    {
        const string yaml = """
            openapi: 3.1.0
            info: { title: Codat-like, version: '1' }
            paths:
              /connections:
                get:
                  responses:
                    '200':
                      description: OK
                      content:
                        application/json:
                          schema:
                            $ref: '#/components/schemas/DataConnection'
            components:
              schemas:
                DataConnection:
                  type: object
                  properties:
                    additionalProperties: false
                    id: { type: string }
            """;
        var result = SpecReader.Read(yaml);
        Assert.Contains(result.Diagnostics, d => d.Message.StartsWith("1 boolean schema(s)", StringComparison.Ordinal));
        Assert.Equal(["additionalProperties", "id"], result.Index.Schemas["DataConnection"].Properties!.Keys);
    }

    [Fact]
    public void A_boolean_additional_properties_and_booleans_in_examples_are_left_as_written()
    {
        const string spec = """
            {"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"OK",
              "content":{"application/json":{"schema":{"type":"object","additionalProperties":false,"properties":{"on":{"type":"boolean"}}},
              "example":{"properties":{"on":true}}}}}}}}}}
            """;
        var result = SpecReader.Read(spec);
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("boolean schema"));
        Assert.Contains("\"on\": true", result.Index.Operations.Single().Responses.Single().Content.Single().Example);
    }
}

public sealed class SpecVersion32Tests
{
    [Theory]
    [InlineData("openapi: 3.2.0\ninfo:\n  title: Pets\n  version: 1.0.0\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: OK\n")]
    [InlineData("{\"openapi\":\"3.2.0\",\"info\":{\"title\":\"Pets\",\"version\":\"1.0.0\"},\"paths\":{\"/pets\":{\"get\":{\"responses\":{\"200\":{\"description\":\"OK\"}}}}}}")]
    public void An_openapi_32_document_is_read_as_31_with_a_warning(string spec)
    {
        // Microsoft.OpenApi 2.13 refuses "3.2.0" ("not supported"): that was a 400 for a valid document.
        var read = SpecReader.Read(spec);
        Assert.Equal("3.1", read.Index.SpecVersion);
        Assert.Equal("GET /pets", Assert.Single(read.Index.Operations).Key);
        var warning = Assert.Single(read.Diagnostics, d => d.Pointer == "/openapi");
        Assert.False(warning.IsError);
        Assert.Contains("OpenAPI 3.2.0 is read as 3.1", warning.Message);
    }

    [Fact]
    public void A_version_the_parser_does_not_know_is_still_a_400_with_its_message()
    {
        var e = Assert.Throws<SpecUnreadableException>(() => SpecReader.Read("openapi: 4.0.0\ninfo:\n  title: X\n  version: '1'\npaths: {}\n"));
        Assert.Contains("4.0.0", Assert.Single(e.Problems).Message);
    }
}

public sealed class SchemaViewFlagsTests : PortalTestContext
{
    [Fact]
    public void A_leaf_property_shows_nullable_read_only_and_deprecated_as_the_schema_itself_does()
    {
        const string spec = """
            openapi: 3.1.0
            info:
              title: Repos
              version: 1.0.0
            paths: {}
            components:
              schemas:
                Repo:
                  type: object
                  properties:
                    id:
                      type: integer
                      readOnly: true
                    description:
                      type: [string, "null"]
                    homepage:
                      type: string
                      deprecated: true
                    name:
                      type: string
            """;
        var index = SpecReader.Read(spec).Index;
        var cut = Render<SchemaView>(p => p.Add(x => x.Schema, index.Schemas["Repo"]).Add(x => x.Index, index));
        var rows = cut.FindAll(".schema-props tr").ToDictionary(r => r.QuerySelector(".schema-prop-name")!.TextContent.Trim(), r => r.TextContent);
        Assert.Contains("string · nullable", rows["description"]);
        Assert.Contains("integer · read-only", rows["id"]);
        Assert.Contains("string · deprecated", rows["homepage"]);
        Assert.DoesNotContain("·", rows["name"]);
    }
}
