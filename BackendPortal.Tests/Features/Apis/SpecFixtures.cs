using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace BackendPortal.Features.Apis;

/// <summary>Small hand-made documents; each test changes one thing in them.</summary>
internal static class SpecFixtures
{
    /// <summary>An OpenAPI 3.0 document that satisfies every scoring rule.</summary>
    public const string Perfect = """
openapi: 3.0.3
info:
  title: Orders
  version: 1.0.0
  description: Orders of the shop.
  contact:
    name: Orders team
    email: orders@example.com
security:
  - bearer: []
tags:
  - name: orders
    description: Orders.
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      summary: Get an order
      tags: [orders]
      parameters:
        - name: id
          in: path
          required: true
          description: Order id.
          schema:
            type: string
        - name: expand
          in: query
          description: Related data to include.
          schema:
            type: string
            enum: [lines, customer]
      responses:
        '200':
          description: The order.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Order'
              example:
                id: o1
                status: open
        '404':
          description: No such order.
  /orders:
    post:
      operationId: createOrder
      summary: Create an order
      tags: [orders]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/NewOrder'
            example:
              customer: c1
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Order'
              example:
                id: o1
                status: open
        '400':
          description: Invalid order.
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
  schemas:
    Order:
      type: object
      required: [id, status]
      properties:
        id:
          type: string
          description: Order id.
        status:
          type: string
          description: Where the order is.
          enum: [open, shipped]
        total:
          type: number
          description: Total amount.
        parent:
          $ref: '#/components/schemas/Order'
    NewOrder:
      type: object
      required: [customer]
      properties:
        customer:
          type: string
          description: Customer id.
        channel:
          type: string
          description: Sales channel.
          enum: [web, store]
        note:
          type: string
          description: Free note.
""";

    public const string Swagger2Json = """
{
  "swagger": "2.0",
  "info": { "title": "Pets", "version": "2.1", "description": "Pets.", "x-logo": { "url": "https://example.com/logo.png" } },
  "host": "api.example.com",
  "basePath": "/v1",
  "paths": {
    "/pets/{petId}": {
      "get": {
        "operationId": "getPet",
        "summary": "Get a pet",
        "tags": ["pets"],
        "parameters": [{ "name": "petId", "in": "path", "required": true, "type": "integer", "description": "Pet id." }],
        "responses": {
          "200": { "description": "The pet.", "schema": { "$ref": "#/definitions/Pet" } },
          "404": { "description": "No such pet." }
        }
      }
    }
  },
  "definitions": {
    "Pet": { "type": "object", "properties": { "id": { "type": "integer" }, "name": { "type": "string" }, "friends": { "type": "array", "items": { "$ref": "#/definitions/Pet" } } } }
  }
}
""";

    public const string OpenApi31Json = """
{
  "openapi": "3.1.0",
  "info": { "title": "Things", "version": "0.9" },
  "paths": {
    "/things": {
      "get": {
        "operationId": "listThings",
        "responses": { "200": { "description": "Things.", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Thing" } } } } } }
      }
    }
  },
  "components": { "schemas": { "Thing": { "type": ["object", "null"], "properties": { "name": { "type": "string" } } } } }
}
""";

    public static string ToYaml31() => """
openapi: 3.1.0
info:
  title: Things
  version: '0.9'
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: Things.
""";

    public const string Swagger2Yaml = """
swagger: '2.0'
info:
  title: Pets
  version: '2.1'
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - name: limit
          in: query
          type: integer
      responses:
        '200':
          description: Pets.
          schema:
            type: array
            items:
              type: string
""";

    public static string PerfectJson()
    {
        // The same document written as JSON by Microsoft.OpenApi, to parse both encodings of 3.0.
        var settings = new Microsoft.OpenApi.Reader.OpenApiReaderSettings();
        settings.AddYamlReader();
        var doc = Microsoft.OpenApi.OpenApiDocument.Parse(Perfect, "yaml", settings).Document!;
        using var writer = new StringWriter();
        doc.SerializeAsV3(new Microsoft.OpenApi.OpenApiJsonWriter(writer));
        return writer.ToString();
    }
}
