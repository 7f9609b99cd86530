using BackendPortal.Components;
using BackendPortal.Features.Apis.Spec;
using Bunit;

namespace BackendPortal.Features.Apis;

public class ApiReferenceTests : PortalTestContext
{
    private static readonly SpecIndex Large = SpecReader.Read(SampleSpecs.Generate(400)).Index;

    [Fact]
    public void Renders_2000_operations_virtualised_grouped_by_tag()
    {
        Assert.Equal(2000, Large.Operations.Count);
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, Large));
        var rendered = cut.FindAll(".api-ref-op").Count;
        Assert.InRange(rendered, 1, 200);
        Assert.Contains("2000 operations", cut.Markup);
        Assert.NotEmpty(cut.FindAll(".api-ref-tag"));
    }

    [Fact]
    public void With_only_the_head_it_shows_the_same_first_rows_and_then_the_full_list_when_the_index_arrives()
    {
        var head = SpecHead.From(Large);
        var cut = Render<ApiReference>(p => p.Add(x => x.Head, head));
        var headRows = cut.FindAll(".api-ref-op, .api-ref-tag").Select(e => $"{e.ClassName} {e.GetAttribute("href")} {e.TextContent}").ToList();
        Assert.Equal(ApiReference.FirstScreen, headRows.Count);
        Assert.Contains("2000 operations", cut.Markup);
        Assert.Contains("Tags: Res0 (5)", cut.Find("[data-testid=api-contents]").TextContent);

        cut.Render(p => p.Add(x => x.Index, Large));
        var fullRows = cut.FindAll(".api-ref-op, .api-ref-tag").Select(e => $"{e.ClassName} {e.GetAttribute("href")} {e.TextContent}").ToList();
        Assert.Equal(headRows, fullRows.Take(ApiReference.FirstScreen));
        Assert.True(fullRows.Count > headRows.Count);
    }

    [Fact]
    public void A_deep_link_opens_the_operation_with_parameters_responses_and_examples()
    {
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, Large).Add(x => x.Selected, "listRes7"));
        var detail = cut.Find("[data-testid=operation-detail]");
        Assert.Contains("/res7", detail.TextContent);
        Assert.Contains("limit", detail.TextContent);
        Assert.Contains("Page size.", detail.TextContent);
        Assert.Contains("200", detail.TextContent);
        Assert.Contains("Res7Page", detail.TextContent);
        Assert.Contains("\"first\"", detail.TextContent);
        Assert.Contains("<strong>res7</strong>", detail.InnerHtml);
    }

    [Fact]
    public void Search_narrows_the_list_and_finds_schemas()
    {
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, Large));
        cut.Find("input").Input("res12/");
        // The search is debounced on a timer: on a loaded machine it can take longer than bUnit's default wait.
        cut.WaitForAssertion(() => Assert.All(cut.FindAll(".api-ref-op .api-ref-path"), e => Assert.Contains("res12/", e.TextContent)), TimeSpan.FromSeconds(10));
        cut.Find("input").Input("Node");
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll(".api-ref-op .api-ref-path"), e => e.TextContent == "Node"), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_schema_browser_opens_recursive_schemas_once_and_marks_the_loop()
    {
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, Large).Add(x => x.Selected, "schema:Node"));
        var detail = cut.Find("[data-testid=schema-detail]");
        Assert.Contains("children", detail.TextContent);
        Assert.Contains("Node (recursive)", detail.TextContent);
    }

    [Fact]
    public void Markdown_is_rendered_without_raw_html_or_unsafe_links()
    {
        var index = SpecReader.Read("""
openapi: 3.0.0
info: { title: T, version: '1' }
paths:
  /a:
    get:
      operationId: a
      description: "Hello **world** <script>alert(1)</script> [bad](javascript:alert(1)) [good](https://example.com)"
      responses:
        '200': { description: ok }
""").Index;
        var cut = Render<ApiReference>(p => p.Add(x => x.Index, index).Add(x => x.Selected, "a"));
        var html = cut.Find("[data-testid=operation-detail]").InnerHtml;
        Assert.Contains("<strong>world</strong>", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("javascript:", html);
        Assert.Contains("href=\"https://example.com\"", html);
    }
}
