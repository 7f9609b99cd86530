using BackendPortal.Components;
using BackendPortal.Features.Apis.Spec;
using Bunit;

namespace BackendPortal.Features.Apis;

public class ApiReferenceWebhookTests : PortalTestContext
{
    [Fact]
    public void Webhooks_are_listed_in_their_own_section_with_method_and_name_and_open_by_deep_link()
    {
        var index = SpecReader.Read(WebhookFixtures.PathsAndWebhooks31).Index;
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, index).Add(x => x.Selected, "webhook-post-newPet"));
        Assert.Contains("3 operations (of which 2 webhooks)", cut.Markup);
        var rows = cut.FindAll(".api-ref-list > *").Select(e => e.TextContent.Trim()).ToList();
        var section = rows.IndexOf("Webhooks");
        Assert.True(section > rows.FindIndex(r => r.Contains("/pets", StringComparison.Ordinal)), string.Join(" | ", rows));
        Assert.Contains("newPet", rows[section + 1]);
        Assert.Contains("POST", rows[section + 1]);

        var detail = cut.Find("[data-testid=operation-detail]");
        Assert.NotNull(cut.Find("[data-testid=webhook-chip]"));
        Assert.Contains("newPet", detail.TextContent);
        Assert.Contains("Request body", detail.TextContent);
        Assert.Contains("Pet", detail.TextContent);
        Assert.Contains("200", detail.TextContent);
    }

    [Fact]
    public void Searching_webhook_finds_the_webhooks()
    {
        var index = SpecReader.Read(WebhookFixtures.PathsAndWebhooks31).Index;
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, index));
        cut.Find("input").Input("webhook");
        cut.WaitForAssertion(() => Assert.Equal(["newPet", "petGone"], cut.FindAll(".api-ref-op .api-ref-path").Select(e => e.TextContent)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Callbacks_show_under_their_operation_with_name_expression_method_payload_and_responses()
    {
        var index = SpecReader.Read(WebhookFixtures.Callbacks30).Index;
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, index).Add(x => x.Selected, "subscribe"));
        var callbacks = cut.FindAll("[data-testid=callback]");
        Assert.Equal(2, callbacks.Count);
        var data = callbacks.Single(c => c.TextContent.Contains("onData", StringComparison.Ordinal));
        Assert.Contains("{$request.query.callbackUrl}/data", data.TextContent);
        Assert.Contains("POST", data.TextContent);
        Assert.Contains("Subscription payload.", data.TextContent);
        Assert.Contains("Payload", data.TextContent);
        Assert.Contains("202", data.TextContent);
        Assert.Contains("No longer interested.", data.TextContent);
        Assert.Contains("{$request.query.callbackUrl}/closed", callbacks.Single(c => c.TextContent.Contains("onClose", StringComparison.Ordinal)).TextContent);
    }

    [Fact]
    public void A_swagger_20_response_without_schema_shows_no_body()
    {
        var index = SpecReader.Read(WebhookFixtures.Swagger2Forms).Index;
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, index).Add(x => x.Selected, "deletePet"));
        Assert.Equal(2, cut.FindAll("[data-testid=no-body]").Count);
        Assert.DoesNotContain("application/json", cut.Find("[data-testid=operation-detail]").TextContent);
    }
}
