using BackendPortal.Features.Apis.Spec;

namespace BackendPortal.Features.Apis;

/// <summary>Webhooks (3.1), callbacks (3.x) and Swagger 2.0 bodies: index, score and diff.</summary>
public sealed class SpecWebhookTests
{
    [Fact]
    public void A_webhooks_only_31_document_is_read_with_its_webhooks_as_operations()
    {
        var result = SpecReader.Read(WebhookFixtures.WebhooksOnly31);
        var index = result.Index;
        Assert.Equal("3.1", index.SpecVersion);
        Assert.Equal(2, index.Operations.Count);
        var created = index.Operations.Single(o => o.OperationId == "branch-protection-rule/created");
        Assert.True(created.IsWebhook);
        Assert.Equal(SpecOperationKinds.Webhook, created.Kind);
        Assert.Equal("POST", created.Method);
        Assert.Equal("branch-protection-rule-created", created.Path);
        Assert.Equal("X-Hub-Signature-256", Assert.Single(created.Parameters).Name);
        Assert.Equal("RuleCreated", created.RequestBody!.Content.Single().Schema!.Ref);
        Assert.Equal("200", Assert.Single(created.Responses).Status);
        Assert.Empty(created.Security);
        Assert.Empty(index.UnusedComponents);
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void The_stored_head_lists_webhooks_after_the_operations_in_their_own_section()
    {
        var index = SpecReader.Read(WebhookFixtures.PathsAndWebhooks31).Index;
        var head = SpecHead.From(index);
        var rows = ReferenceRows.Build(index, null);
        Assert.Equal(rows.Take(ReferenceRows.FirstScreen), head.Rows);
        Assert.Equal(index.Operations.Count(o => o.IsWebhook), head.WebhookCount);
        Assert.True(head.WebhookCount > 0);
        var firstWebhook = rows.FindIndex(r => r.Webhook);
        var lastOperation = rows.FindLastIndex(r => r.Method is not null && !r.Webhook);
        Assert.True(firstWebhook > lastOperation, "webhooks come after the path operations");
        Assert.StartsWith("Webhooks", rows[..firstWebhook].Last(r => r.Tag is not null).Tag);
        Assert.StartsWith("webhook ", rows[firstWebhook].Label, StringComparison.Ordinal);
        Assert.Contains(head.Tags, t => t.Name.StartsWith("Webhooks", StringComparison.Ordinal));
    }

    [Fact]
    public void Webhooks_are_scored_as_documented_operations_without_path_4xx_or_security_rules()
    {
        var read = SpecReader.Read(WebhookFixtures.WebhooksOnly31);
        var score = SpecScorer.Score(read.Index, read.Diagnostics);
        Assert.DoesNotContain(score.Findings, f => f.Rule is "operation-4xx-response" or "path-params" or "unused-components");
        Assert.DoesNotContain(score.Findings, f => f.Rule == "security-defined" && f.Location.StartsWith("/webhooks", StringComparison.Ordinal));
        Assert.Equal(2, score.Rules.Single(r => r.Rule == "operation-description").Checked);
        // The delivery header is a parameter like any other.
        Assert.Equal(1, score.Rules.Single(r => r.Rule == "parameter-description").Checked);

        var undocumented = SpecReader.Read(WebhookFixtures.WebhooksOnly31.Replace("      summary: A branch protection rule was deleted.\n", ""));
        var finding = Assert.Single(SpecScorer.Score(undocumented.Index, undocumented.Diagnostics).Findings, f => f.Rule == "operation-description");
        Assert.Equal("/webhooks/branch-protection-rule-deleted/post", finding.Location);
        Assert.Contains("webhook POST branch-protection-rule-deleted", finding.Message);
    }

    [Fact]
    public void Paths_and_webhooks_are_counted_together_and_a_referenced_path_item_is_read()
    {
        var index = SpecReader.Read(WebhookFixtures.PathsAndWebhooks31).Index;
        Assert.Equal(3, index.Operations.Count);
        Assert.Equal(["GET /pets", "POST newPet", "POST petGone"], index.Operations.Select(o => o.Key));
        Assert.Equal([false, true, true], index.Operations.Select(o => o.IsWebhook));
        Assert.Equal("webhook-post-newPet", index.Operations[1].Anchor);
        Assert.Equal("integer", index.Operations[2].RequestBody!.Content[0].Schema!.Properties!["id"].Type);
    }

    [Fact]
    public void The_no_paths_rule_accepts_webhooks_only_and_refuses_neither()
    {
        Assert.NotEmpty(SpecReader.Read(WebhookFixtures.WebhooksOnly31).Index.Operations);
        var neither = """
{ "openapi": "3.1.0", "info": { "title": "x", "version": "1" }, "components": { "schemas": { "A": { "type": "string" } } } }
""";
        var e = Assert.Throws<SpecUnreadableException>(() => SpecReader.Read(neither));
        Assert.Contains(e.Problems, p => p.Pointer == "/paths" && p.Message.Contains("webhooks", StringComparison.Ordinal));
        var webhooksJson = """
{ "openapi": "3.1.0", "info": { "title": "x", "version": "1" },
  "webhooks": { "ping": { "post": { "responses": { "200": { "description": "ok" } } } } } }
""";
        Assert.Equal("POST ping", Assert.Single(SpecReader.Read(webhooksJson).Index.Operations).Key);
    }

    [Fact]
    public void Callbacks_are_indexed_under_their_operation_and_do_not_count_as_operations()
    {
        var read = SpecReader.Read(WebhookFixtures.Callbacks30);
        var op = Assert.Single(read.Index.Operations);
        Assert.Equal(2, op.Callbacks!.Count);
        var data = op.Callbacks.Single(c => c.Name == "onData");
        Assert.Equal("{$request.query.callbackUrl}/data", data.Expression);
        Assert.Equal("POST", data.Operation.Method);
        Assert.Equal(SpecOperationKinds.Callback, data.Operation.Kind);
        Assert.Equal("Payload", data.Operation.RequestBody!.Content[0].Schema!.Ref);
        Assert.Equal(["202", "204"], data.Operation.Responses.Select(r => r.Status));
        var closed = op.Callbacks.Single(c => c.Name == "onClose");
        Assert.Equal("{$request.query.callbackUrl}/closed", closed.Expression);
        // The payload schema and the callback component are used by the callbacks.
        Assert.Empty(read.Index.UnusedComponents);

        var score = SpecScorer.Score(read.Index, read.Diagnostics);
        Assert.Equal(1, score.Rules.Single(r => r.Rule == "operation-description").Checked);
        // operationIds are unique across operations and callbacks.
        Assert.Equal(2, score.Rules.Single(r => r.Rule == "operation-operationId-unique").Checked);
        var clash = SpecReader.Read(WebhookFixtures.Callbacks30.Replace("operationId: onData", "operationId: subscribe"));
        var finding = Assert.Single(SpecScorer.Score(clash.Index, clash.Diagnostics).Findings, f => f.Rule == "operation-operationId-unique" && f.Location.Contains("callbacks", StringComparison.Ordinal));
        Assert.Equal("/paths/~1streams/post/callbacks/onData/{$request.query.callbackUrl}~1data/post/operationId", finding.Location);
    }

    [Fact]
    public void A_component_callback_nobody_uses_is_reported()
    {
        var read = SpecReader.Read(WebhookFixtures.Callbacks30.Replace("        onClose:\n          $ref: '#/components/callbacks/Closed'\n", ""));
        Assert.Equal(["callbacks/Closed"], read.Index.UnusedComponents);
    }

    [Fact]
    public void Swagger_20_responses_without_schema_have_no_body_and_produces_and_consumes_apply()
    {
        var read = SpecReader.Read(WebhookFixtures.Swagger2Forms);
        var ops = read.Index.Operations.ToDictionary(o => o.OperationId!);
        var delete = ops["deletePet"];
        Assert.All(delete.Responses, r => Assert.Empty(r.Content));
        Assert.Equal(["application/json", "application/xml"], ops["renamePet"].Responses[0].Content.Select(c => c.MediaType));
        Assert.Equal(["text/plain"], ops["uploadPhoto"].Responses[0].Content.Select(c => c.MediaType));
        var add = ops["addPet"].RequestBody!;
        Assert.True(add.Required);
        Assert.Equal(["application/json"], add.Content.Select(c => c.MediaType));

        var score = SpecScorer.Score(read.Index, read.Diagnostics);
        Assert.DoesNotContain(score.Findings, f => f.Rule == "media-schema");
    }

    [Fact]
    public void Swagger_20_form_data_is_a_form_body_with_files_as_binary()
    {
        var ops = SpecReader.Read(WebhookFixtures.Swagger2Forms).Index.Operations.ToDictionary(o => o.OperationId!);
        var upload = ops["uploadPhoto"].RequestBody!;
        Assert.True(upload.Required);
        var multipart = Assert.Single(upload.Content);
        Assert.Equal("multipart/form-data", multipart.MediaType);
        Assert.Equal(["file"], multipart.Schema!.Required!);
        Assert.Equal("string (binary)", multipart.Schema.Properties!["file"].Display());
        Assert.Equal("The photo.", multipart.Schema.Properties["file"].Description);
        Assert.Equal("Caption.", multipart.Schema.Properties["caption"].Description);
        Assert.DoesNotContain(ops["uploadPhoto"].Parameters, p => p.Name == "file");

        // The document consumes JSON only: the form is still sent form-encoded.
        var rename = ops["renamePet"].RequestBody!;
        Assert.Equal("application/x-www-form-urlencoded", Assert.Single(rename.Content).MediaType);
        Assert.True(rename.Required);
    }

    [Fact]
    public void Webhook_removed_is_breaking_added_is_info_and_the_payload_is_compared_like_a_response()
    {
        var from = SpecReader.Read(WebhookFixtures.PathsAndWebhooks31).Index;
        var to = SpecReader.Read(WebhookFixtures.PathsAndWebhooks31
            .Replace("  petGone:\n    $ref: '#/components/pathItems/PetGone'\n", "  petAdopted:\n    $ref: '#/components/pathItems/PetGone'\n")
            .Replace("        tag:\n          type: string\n", "")
            .Replace("      required: [id, name]\n", "      required: [id]\n")).Index;
        var changes = SpecDiff.Compare(from, to);
        var removed = Assert.Single(changes, c => c.Kind == "webhook-removed");
        Assert.Equal(ChangeLevels.Breaking, removed.Level);
        Assert.Equal(("POST", "petGone"), (removed.Method, removed.Path));
        Assert.Equal(ChangeLevels.Info, Assert.Single(changes, c => c.Kind == "webhook-added").Level);
        // The Pet payload lost 'tag' and 'name' became optional: subscribers reading them break.
        Assert.Contains(changes, c => c.Level == ChangeLevels.Breaking && c.Path == "newPet" && c.Kind == "response-property-removed"
            && c.Message == "The webhook POST newPet payload property 'tag' was removed.");
        Assert.Contains(changes, c => c.Level == ChangeLevels.Breaking && c.Path == "newPet" && c.Kind == "response-required-property-became-optional");
        // The same change in a response of GET /pets is reported there too, and no webhook is taken for a path.
        Assert.Contains(changes, c => c.Path == "/pets" && c.Kind == "response-property-removed");
        Assert.DoesNotContain(changes, c => c.Kind is "api-removed" or "api-path-removed" or "endpoint-added");
    }

    [Fact]
    public void A_webhook_and_a_path_with_the_same_name_are_not_matched()
    {
        var index = SpecReader.Read(WebhookFixtures.PathsAndWebhooks31).Index;
        Assert.Equal(3, index.Operations.Select(o => o.MatchKey).Distinct().Count());
        Assert.Empty(SpecDiff.Compare(index, index));
    }

    [Fact]
    public void Callback_removed_or_moved_is_breaking_added_is_info_and_payload_changes_are_checked()
    {
        var from = SpecReader.Read(WebhookFixtures.Callbacks30).Index;
        var to = SpecReader.Read(WebhookFixtures.Callbacks30
            .Replace("        onClose:\n          $ref: '#/components/callbacks/Closed'\n", "        onError:\n          $ref: '#/components/callbacks/Closed'\n")
            .Replace("'{$request.query.callbackUrl}/data'", "'{$request.body#/url}'")
            .Replace("        timestamp:\n          type: string\n          format: date-time", "        timestamp:\n          type: integer")).Index;
        var changes = SpecDiff.Compare(from, to);
        Assert.All(changes, c => Assert.Equal(("POST", "/streams"), (c.Method, c.Path)));
        Assert.Equal(ChangeLevels.Breaking, Assert.Single(changes, c => c.Kind == "callback-removed").Level);
        Assert.Contains("onClose", changes.Single(c => c.Kind == "callback-removed").Message);
        var moved = Assert.Single(changes, c => c.Kind == "callback-url-changed");
        Assert.Equal(ChangeLevels.Breaking, moved.Level);
        Assert.Contains("{$request.body#/url}", moved.Message);
        Assert.Equal(ChangeLevels.Info, Assert.Single(changes, c => c.Kind == "callback-added").Level);
        var type = Assert.Single(changes, c => c.Kind == "response-property-type-changed");
        Assert.Contains("callback 'onData' POST", type.Message);
        Assert.Contains("'timestamp'", type.Message);
        Assert.Equal("subscribe", type.OperationId);
    }

    [Fact]
    public void An_index_stored_before_webhooks_reads_as_plain_operations()
    {
        var old = """
{"specVersion":"3.0","operations":[{"method":"GET","path":"/a","tags":[],"parameters":[],"responses":[{"status":"200","content":[]}],"security":[]}],"schemas":{}}
""";
        var packed = ApiSpecService.Pack(System.Text.Json.Nodes.JsonNode.Parse(old));
        var index = ApiSpecService.Unpack<SpecIndex>(packed);
        var op = Assert.Single(index.Operations);
        Assert.False(op.IsWebhook);
        Assert.Null(op.Kind);
        Assert.Null(op.Callbacks);
        Assert.Equal("GET /a", op.MatchKey);
        Assert.Equal("get-/a", op.Anchor);

        // New fields are written only when set, so a plain operation is stored as before.
        var json = System.Text.Json.JsonSerializer.Serialize(index, ApiSpecService.Json);
        Assert.DoesNotContain("kind", json);
        Assert.DoesNotContain("callbacks", json);
    }
}
