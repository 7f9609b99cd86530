using System.Diagnostics;

namespace BackendPortal.Bench;

// Not top-level statements: those would declare a second `Program` beside the app's.
public static class BenchProgram
{
    /// <summary>dotnet run -c Release --project bench/BackendPortal.Bench -- [api|circuits|audit|signin|all]</summary>
    public static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault()?.ToLowerInvariant() ?? "all";
        if (mode is not ("api" or "circuits" or "audit" or "signin" or "all"))
        {
            Console.Error.WriteLine("usage: BackendPortal.Bench [api|circuits|audit|signin|all]");
    /// <summary>dotnet run -c Release --project bench/BackendPortal.Bench -- [api|circuits|audit|import|all]</summary>
    public static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault()?.ToLowerInvariant() ?? "all";
        if (mode is not ("api" or "circuits" or "audit" or "import" or "all"))
        {
            Console.Error.WriteLine("usage: BackendPortal.Bench [api|circuits|audit|import|all]");
    /// <summary>dotnet run -c Release --project bench/BackendPortal.Bench -- [api|circuits|audit|people|all]</summary>
    public static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault()?.ToLowerInvariant() ?? "all";
        if (mode is not ("api" or "circuits" or "audit" or "people" or "all"))
        {
            Console.Error.WriteLine("usage: BackendPortal.Bench [api|circuits|audit|people|all]");
    /// <summary>dotnet run -c Release --project bench/BackendPortal.Bench -- [api|circuits|audit|catalog|all]</summary>
    public static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault()?.ToLowerInvariant() ?? "all";
        if (mode is not ("api" or "circuits" or "audit" or "catalog" or "all"))
        {
            Console.Error.WriteLine("usage: BackendPortal.Bench [api|circuits|audit|catalog|all]");
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
        if (mode is "signin" or "all")
        {
            await new SignInBench(host, report).RunAsync();
            report.Add("Load average after the sign-in bench", BenchReport.LoadAverage());
        if (mode is "import" or "all")
        {
            await new ImportBench(host, report).RunAsync();
            report.Add("Load average after the import bench", BenchReport.LoadAverage());
        if (mode is "people")
        {
            await new PeopleBench(host, report).RunAsync();
        if (mode is "catalog" or "all")
        {
            await new CatalogBench(host, report).RunAsync();
            report.Add("Load average after the catalog bench", BenchReport.LoadAverage());
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
