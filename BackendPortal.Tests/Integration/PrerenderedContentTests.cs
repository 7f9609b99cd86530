using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Apis.Spec;
using BackendPortal.Features.People;
using BackendPortal.Infrastructure;

namespace BackendPortal.Integration;

/// <summary>
/// The first screen of the big virtualised lists is in the server's prerendered HTML (a plain GET, no
/// browser, no circuit), so it shows before the circuit starts; the rest stays virtualised.
/// </summary>
public sealed partial class PrerenderedContentTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task The_api_reference_html_holds_the_first_screen_of_operations_but_not_the_whole_list()
    {
        var team = await factory.CreateTeamAsync();
        var api = await ApiTestData.CreateApiAsync(factory, team.Slug);
        var spec = SampleSpecs.Generate(50);
        var operations = SpecReader.Read(spec).Index.Operations.Count;
        await factory.UploadAsync(api.Slug, spec, "1.0.0");
        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Viewer));

        var html = await client.GetStringAsync($"/apis/{api.Slug}/reference");

        Assert.Contains($"{operations} operations", html, StringComparison.Ordinal);
        Assert.Contains("?op=listRes0\"", html, StringComparison.Ordinal);
        Assert.Contains("?op=deleteRes0\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("?op=deleteRes49\"", html, StringComparison.Ordinal);
        var links = OperationLink().Matches(html).Count;
        Assert.InRange(links, 20, 40);
    }

    [Fact]
    public async Task The_team_page_html_holds_the_first_heatmap_rows_and_members_but_not_all_of_them()
    {
        var team = await factory.CreateTeamAsync();
        var slugs = Enumerable.Range(0, 45).Select(i => $"{team.Slug}-p{i:D2}").ToList();
        foreach (var slug in slugs)
        {
            await factory.CreatePersonAsync(team.Slug, slug: slug);
        }
        await factory.RateAsync(slugs[0], ("java", 3), ("sql", 4));
        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Viewer));

        var html = await client.GetStringAsync($"/teams/{team.Slug}");

        var heatmap = html[html.IndexOf("data-testid=\"skills-matrix\"", StringComparison.Ordinal)..];
        Assert.Contains("data-people=\"45\"", heatmap, StringComparison.Ordinal);
        var rows = HeatmapRow().Matches(heatmap).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(SkillsMatrixGrid.FirstScreen, rows.Count);
        Assert.Equal(slugs[0], rows[0]);
        var rowStart = heatmap.IndexOf($"data-person=\"{slugs[0]}\"", StringComparison.Ordinal);
        var firstRow = heatmap[rowStart..heatmap.IndexOf("</tr>", rowStart, StringComparison.Ordinal)];
        Assert.Contains(">3</td>", firstRow, StringComparison.Ordinal);
        Assert.Contains(">4</td>", firstRow, StringComparison.Ordinal);

        var members = html[html.IndexOf("data-testid=\"team-members\"", StringComparison.Ordinal)..html.IndexOf("data-testid=\"team-skills\"", StringComparison.Ordinal)];
        var listed = MemberItem().Matches(members).Count;
        Assert.InRange(listed, 10, 30);
        Assert.Contains($"data-person=\"{slugs[0]}\"", members, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-person=\"{slugs[^1]}\"", members, StringComparison.Ordinal);
    }

    [GeneratedRegex("<a [^>]*class=\"api-ref-op[^\"]*\"[^>]*href=\"[^\"]*\\?op=")]
    private static partial Regex OperationLink();

    [GeneratedRegex("<tr [^>]*data-person=\"([^\"]+)\"")]
    private static partial Regex HeatmapRow();

    [GeneratedRegex("<li [^>]*data-person=")]
    private static partial Regex MemberItem();
}
