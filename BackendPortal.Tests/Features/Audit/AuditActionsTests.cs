using System.Runtime.CompilerServices;

namespace BackendPortal.Features.Audit;

public class AuditActionsTests
{
    private static string RepoFile(string relative, [CallerFilePath] string here = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(here)!); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(relative);
    }

    [Fact]
    public void The_documented_list_names_every_code_and_no_other()
    {
        var doc = File.ReadAllText(RepoFile("docs/audit-actions.md"));
        var documented = System.Text.RegularExpressions.Regex.Matches(doc, @"^\| `([a-z0-9_.]+)` \|", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .ToList();

        Assert.Equal(AuditActions.All.Select(a => a.Code).Order(), documented.Order());
    }

    [Fact]
    public void Codes_are_unique_and_fit_the_column()
    {
        var codes = AuditActions.All.Select(a => a.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.InRange(c.Length, 1, 64));
        Assert.All(codes, c => Assert.Matches("^[a-z0-9_]+(\\.[a-z0-9_]+)+$", c));
    }
}
