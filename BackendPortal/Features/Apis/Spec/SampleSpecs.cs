using System.Globalization;
using System.Text;

namespace BackendPortal.Features.Apis.Spec;

/// <summary>Generated OpenAPI documents for demos, tests and the benchmark: many operations, shared and recursive schemas, vendor extensions.</summary>
internal static class SampleSpecs
{
    /// <summary>An OpenAPI 3.0 JSON document with <paramref name="resources"/> × 5 operations (about 5 KB per resource).</summary>
    public static string Generate(int resources, string version = "1.0.0", bool dropLastResource = false, bool extraRequiredParam = false)
    {
        var sb = new StringBuilder(resources * 5200);
        sb.Append("""
{"openapi":"3.0.3","info":{"title":"Generated API","version":"@version","description":"A generated API for load tests.","contact":{"name":"Platform team","email":"platform@example.com"},"x-generator":"backendportal"},
"servers":[{"url":"https://api.example.com"}],
"security":[{"bearer":[]}],
"paths":{
""".Replace("@version", version));
        var count = dropLastResource ? resources - 1 : resources;
        for (var i = 0; i < count; i++)
        {
            var r = "res" + i.ToString(CultureInfo.InvariantCulture);
            var R = "Res" + i.ToString(CultureInfo.InvariantCulture);
            if (i > 0)
            {
                sb.Append(',');
            }
            var extra = extraRequiredParam && i == 0 ? """,{"name":"tenant","in":"query","required":true,"description":"Tenant id.","schema":{"type":"string"}}""" : "";
            sb.Append("""
"/@r":{"get":{"operationId":"list@R","summary":"List @r items","description":"Returns a page of **@r** items, newest first. See [docs](https://example.com/docs).","tags":["@R"],"x-rate-limit":100,
 "parameters":[{"name":"limit","in":"query","description":"Page size.","schema":{"type":"integer","format":"int32","minimum":1,"maximum":200}},{"name":"cursor","in":"query","description":"Cursor from the previous page.","schema":{"type":"string"}}@extra],
 "responses":{"200":{"description":"A page.","content":{"application/json":{"schema":{"$ref":"#/components/schemas/@RPage"},"example":{"items":[{"id":"a1","name":"first"}],"next":null}}}},"400":{"$ref":"#/components/responses/Problem"}}},
 "post":{"operationId":"create@R","summary":"Create a @r","tags":["@R"],"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/@R"},"example":{"name":"new","status":"active"}}}},
 "responses":{"201":{"description":"Created.","content":{"application/json":{"schema":{"$ref":"#/components/schemas/@R"}}}},"400":{"$ref":"#/components/responses/Problem"},"409":{"description":"Conflict."}}}},
"/@r/{id}":{"parameters":[{"name":"id","in":"path","required":true,"description":"The id.","schema":{"type":"string"}}],
 "get":{"operationId":"get@R","summary":"Get a @r","tags":["@R"],"responses":{"200":{"description":"The item.","content":{"application/json":{"schema":{"$ref":"#/components/schemas/@R"}}}},"404":{"$ref":"#/components/responses/Problem"}}},
 "put":{"operationId":"update@R","summary":"Replace a @r","tags":["@R"],"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/@R"}}}},"responses":{"200":{"description":"Replaced."},"404":{"$ref":"#/components/responses/Problem"},"412":{"description":"Stale."}}},
 "delete":{"operationId":"delete@R","summary":"Delete a @r","tags":["@R"],"deprecated":@dep,"responses":{"204":{"description":"Deleted."},"404":{"$ref":"#/components/responses/Problem"}}}}
""".Replace("@extra", extra).Replace("@dep", i % 7 == 0 ? "true" : "false").Replace("@R", R).Replace("@r", r));
        }
        sb.Append("""
},
"components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}},
"responses":{"Problem":{"description":"Problem details.","content":{"application/problem+json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}},
"schemas":{
"Problem":{"type":"object","properties":{"title":{"type":"string","description":"Short summary."},"status":{"type":"integer","description":"HTTP status."},"detail":{"type":"string","description":"What went wrong."}}},
"Node":{"type":"object","description":"A tree node (recursive).","properties":{"name":{"type":"string","description":"Name."},"children":{"type":"array","description":"Child nodes.","items":{"$ref":"#/components/schemas/Node"}},"parent":{"$ref":"#/components/schemas/Node"}}}
""");
        for (var i = 0; i < count; i++)
        {
            var R = "Res" + i.ToString(CultureInfo.InvariantCulture);
            sb.Append("""
,"@R":{"type":"object","required":["name"],"properties":{"id":{"type":"string","readOnly":true,"description":"Identifier."},"name":{"type":"string","description":"Display name.","maxLength":200},"status":{"type":"string","description":"Lifecycle status.","enum":["active","retired"]},"createdAt":{"type":"string","format":"date-time","description":"When it was created."},"tree":{"$ref":"#/components/schemas/Node"},"labels":{"type":"object","description":"Free labels.","additionalProperties":{"type":"string"}}}},
"@RPage":{"type":"object","properties":{"items":{"type":"array","description":"The items.","items":{"$ref":"#/components/schemas/@R"}},"next":{"type":"string","nullable":true,"description":"Cursor of the next page."}}}
""".Replace("@R", R));
        }
        sb.Append("}}}");
        return sb.ToString();
    }
}
