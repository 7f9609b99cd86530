using System.Diagnostics;

namespace BackendPortal.Bench;

// Not top-level statements: those would declare a second `Program` beside the app's.
public static class BenchProgram
{
    /// <summary>dotnet run -c Release --project bench/BackendPortal.Bench -- [api|circuits|audit|quality|all]</summary>
    public static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault()?.ToLowerInvariant() ?? "all";
        if (mode is not ("api" or "circuits" or "audit" or "quality" or "all"))
        {
            Console.Error.WriteLine("usage: BackendPortal.Bench [api|circuits|audit|quality|all]");
            return 2;
        }

        var total = Stopwatch.StartNew();
        await using var host = new BenchHost();
        var report = new BenchReport();
        report.Add("Machine", $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        report.Add("Load average at start (1/5/15 min)", BenchReport.LoadAverage());
        await host.StartAndSeedAsync(report);

        if (mode is "api" or "all")
        {
            await new ApiBench(host, report).RunAsync();
            report.Add("Load average after the API bench", BenchReport.LoadAverage());
        }
        if (mode is "audit" or "all")
        {
            await new AuditBench(host, report).RunAsync();
            report.Add("Load average after the audit bench", BenchReport.LoadAverage());
        }
        if (mode is "quality" or "all")
        {
            await new QualityBench(host, report).RunAsync();
            report.Add("Load average after the quality bench", BenchReport.LoadAverage());
        }
        if (mode is "circuits" or "all")
        {
            await new CircuitBench(host, report).RunAsync();
            report.Add("Load average after the circuit bench", BenchReport.LoadAverage());
        }

        Console.WriteLine();
        Console.WriteLine(report.Markdown(mode, total.Elapsed));
        return 0;
    }
}
