using BackendPortal.Features.Apis.Spec;

namespace BackendPortal.Features.Apis;

/// <summary>Swagger 2.0 documents that name no media types, as many real ones do.</summary>
public sealed class Swagger2MediaTypeTests
{
    private const string NoProduces = """
        swagger: "2.0"
        info: { title: Pets, version: 1.0.0 }
        paths:
          /pets:
            post:
              parameters:
                - in: body
                  name: pet
                  required: true
                  schema: { type: object, properties: { name: { type: string } } }
              responses:
                200:
                  description: The pet
                  schema: { type: object, properties: { id: { type: integer } } }
        """;

    [Fact]
    public void Without_produces_or_consumes_bodies_are_json_as_swagger_ui_assumes()
    {
        var op = Assert.Single(SpecReader.Read(NoProduces).Index.Operations);
        Assert.Equal("application/json", Assert.Single(op.RequestBody!.Content).MediaType);
        Assert.Equal("application/json", Assert.Single(op.Responses.Single().Content).MediaType);
    }

    [Fact]
    public void Declared_produces_and_consumes_are_kept()
    {
        var spec = NoProduces.Replace("paths:", "produces: [application/xml]\nconsumes: [text/plain]\npaths:");
        var op = Assert.Single(SpecReader.Read(spec).Index.Operations);
        Assert.Equal("text/plain", Assert.Single(op.RequestBody!.Content).MediaType);
        Assert.Equal("application/xml", Assert.Single(op.Responses.Single().Content).MediaType);
    }
}
