namespace BackendPortal.Features.Apis;

/// <summary>
/// Small documents shaped after real ones: webhooks as GitHub's 3.1 description writes them (name with a dash, an
/// operationId with a slash, delivery headers, a payload component, a 200 acknowledgement), callbacks as the OpenAPI
/// callback example (a subscription whose URL comes from the request) and Swagger 2.0 as older specs write uploads.
/// </summary>
internal static class WebhookFixtures
{
    public const string WebhooksOnly31 = """
openapi: 3.1.0
info:
  title: Repository events
  version: 1.0.0
  description: Events sent to subscribers.
  contact:
    name: Events team
tags:
  - name: repository
    description: Repository events.
webhooks:
  branch-protection-rule-created:
    post:
      summary: A branch protection rule was created.
      description: Sent when a rule is **created**.
      operationId: branch-protection-rule/created
      tags: [repository]
      parameters:
        - name: X-Hub-Signature-256
          in: header
          description: HMAC of the payload with the subscriber's secret.
          schema:
            type: string
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/RuleCreated'
            example:
              action: created
              rule:
                id: 21
      responses:
        '200':
          description: Return a 200 status to indicate that the data was received successfully.
  branch-protection-rule-deleted:
    post:
      summary: A branch protection rule was deleted.
      operationId: branch-protection-rule/deleted
      tags: [repository]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/RuleCreated'
            example:
              action: deleted
      responses:
        '200':
          description: Received.
components:
  schemas:
    RuleCreated:
      type: object
      required: [action, rule]
      properties:
        action:
          type: string
          description: What happened.
          enum: [created, deleted]
        rule:
          type: object
          description: The rule.
          properties:
            id:
              type: integer
              description: Rule id.
""";

    public const string PathsAndWebhooks31 = """
openapi: 3.1.0
info:
  title: Pets
  version: 2.0.0
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      responses:
        '200':
          description: Pets.
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/Pet'
webhooks:
  newPet:
    post:
      summary: A pet was added.
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Pet'
      responses:
        '200':
          description: Received.
  petGone:
    $ref: '#/components/pathItems/PetGone'
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id:
          type: integer
        name:
          type: string
        tag:
          type: string
  pathItems:
    PetGone:
      post:
        summary: A pet was removed.
        requestBody:
          content:
            application/json:
              schema:
                type: object
                properties:
                  id:
                    type: integer
        responses:
          '204':
            description: Received.
""";

    public const string Callbacks30 = """
openapi: 3.0.3
info:
  title: Streams
  version: 1.0.0
paths:
  /streams:
    post:
      operationId: subscribe
      summary: Subscribe to out-of-band data.
      tags: [streams]
      parameters:
        - name: callbackUrl
          in: query
          required: true
          description: Where data will be sent.
          schema:
            type: string
            format: uri
      responses:
        '201':
          description: Subscription created.
        '400':
          description: Bad URL.
      callbacks:
        onData:
          '{$request.query.callbackUrl}/data':
            post:
              operationId: onData
              summary: Data for the subscriber.
              requestBody:
                description: Subscription payload.
                content:
                  application/json:
                    schema:
                      $ref: '#/components/schemas/Payload'
              responses:
                '202':
                  description: The data was received.
                '204':
                  description: No longer interested.
        onClose:
          $ref: '#/components/callbacks/Closed'
components:
  schemas:
    Payload:
      type: object
      required: [timestamp]
      properties:
        timestamp:
          type: string
          format: date-time
          description: When.
        userData:
          type: string
          description: The data.
  callbacks:
    Closed:
      '{$request.query.callbackUrl}/closed':
        post:
          summary: The stream closed.
          responses:
            '200':
              description: Received.
""";

    public const string Swagger2Forms = """
swagger: '2.0'
info:
  title: Pets
  version: '1.0'
consumes: [application/json]
produces: [application/json, application/xml]
paths:
  /pets/{petId}:
    delete:
      operationId: deletePet
      parameters:
        - {name: petId, in: path, required: true, type: integer, description: Pet id.}
      responses:
        '204': {description: Deleted.}
        '404': {description: No such pet.}
  /pets/{petId}/photo:
    post:
      operationId: uploadPhoto
      consumes: [multipart/form-data]
      produces: [text/plain]
      parameters:
        - {name: petId, in: path, required: true, type: integer, description: Pet id.}
        - {name: caption, in: formData, type: string, description: Caption.}
        - {name: file, in: formData, type: file, required: true, description: The photo.}
      responses:
        '201': {description: Stored., schema: {type: string}}
  /pets/{petId}/name:
    post:
      operationId: renamePet
      parameters:
        - {name: petId, in: path, required: true, type: integer, description: Pet id.}
        - {name: name, in: formData, type: string, required: true, description: New name.}
      responses:
        '200': {description: Renamed., schema: {type: object, properties: {name: {type: string}}}}
  /pets:
    post:
      operationId: addPet
      parameters:
        - {name: body, in: body, required: true, schema: {type: object, properties: {name: {type: string}}}}
      responses:
        '201': {description: Added., schema: {type: object, properties: {id: {type: integer}}}}
""";
}
