using System.Diagnostics;

namespace BackendPortal.Bench;

// Not top-level statements: those would declare a second `Program` beside the app's.
public static class BenchProgram
{
    /// <summary>One mode a module's benchmark answers to; <c>all</c> runs those marked so, in this order.</summary>
    private sealed record Mode(string Name, bool InAll, Func<BenchHost, BenchReport, Task> Run);

    private static readonly Mode[] Modes =
    [
        new("api", true, (h, r) => new ApiBench(h, r).RunAsync()),
        new("audit", true, (h, r) => new AuditBench(h, r).RunAsync()),
        new("signin", true, (h, r) => new SignInBench(h, r).RunAsync()),
        new("catalog", true, (h, r) => new CatalogBench(h, r).RunAsync()),
        new("import", true, (h, r) => new ImportBench(h, r).RunAsync()),
        new("quality", true, (h, r) => new QualityBench(h, r).RunAsync()),
        new("people", false, (h, r) => new PeopleBench(h, r).RunAsync()),
        new("circuits", true, (h, r) => new CircuitBench(h, r).RunAsync()),
        new("apis", true, (h, r) => new ApisBench(h, r).RunAsync()),
        new("operations", false, (h, r) => new OperationsBench(h, r).RunAsync()),
        new("startup", false, (h, r) => new StartupBench(h, r).RunAsync()),
    ];

    /// <summary>dotnet run -c Release --project bench/BackendPortal.Bench -- [mode[,mode…]|all]</summary>
    public static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault()?.ToLowerInvariant() ?? "all";
        if (mode == OperationsTarget.Mode)
        {
            return await OperationsTarget.RunAsync(args);
        }
        var selected = Modes.Where(m => mode.Split(',').Contains(m.Name) || (mode == "all" && m.InAll)).ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"usage: BackendPortal.Bench [{string.Join('|', Modes.Select(m => m.Name))}|all]");
            return 2;
        }

        var total = Stopwatch.StartNew();
        await using var host = new BenchHost();
        var report = new BenchReport();
        report.Add("Machine", $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        report.Add("Load average at start (1/5/15 min)", BenchReport.LoadAverage());
        await host.StartAndSeedAsync(report);

        foreach (var bench in selected)
        {
            await bench.Run(host, report);
            report.Add($"Load average after the {bench.Name} bench", BenchReport.LoadAverage());
        }

        Console.WriteLine();
        Console.WriteLine(report.Markdown(mode, total.Elapsed));
        return 0;
    }
}
