using BackendPortal.Data;
using BackendPortal.Features.Tokens;
using BackendPortal.Features.Users;
using BackendPortal.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Cli;

/// <summary>
/// Operator verbs on the same executable and configuration as the server. Their shapes are a
/// contract with scripts: change them only by adding.
/// </summary>
public static class PortalCommandLine
{
    private static readonly string[] Verbs = ["users", "tokens", "db"];

    public const string Usage = """
        Usage:
          BackendPortal                                   run the web server
          BackendPortal --demo                            run it, filling an empty catalog with demo data
          BackendPortal users create --email EMAIL --role ROLE [--role ROLE] [--name NAME] --password-stdin
          BackendPortal tokens create --email EMAIL --name NAME --scopes read,write,ingest,admin --expires-days N
          BackendPortal db migrate
          BackendPortal db backup --to FILE
        Roles: Admin, Engineer, QA, Viewer. Configuration comes from appsettings.json and environment
        variables (ConnectionStrings__Portal, Database__Provider) as for the server.
        """;

    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (Verbs.Contains(args[0]) || args[0] is "help" or "--help" or "-h");

    /// <summary>Arguments for the host's configuration: none for a verb, and --demo spelled as a setting.</summary>
    public static string[] HostArgs(string[] args) =>
        IsCommand(args) ? [] : [.. args.Select(a => a == "--demo" ? "--Demo:Seed=true" : a)];

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return args switch
            {
                ["users", "create", .. var rest] => await CreateUserAsync(services, Options.Parse(rest, ["--email", "--role", "--name"], ["--password-stdin"]), stdin, stdout),
                ["tokens", "create", .. var rest] => await CreateTokenAsync(services, Options.Parse(rest, ["--email", "--name", "--scopes", "--expires-days"], []), stdout),
                ["db", "migrate"] => await MigrateAsync(services, stdout),
                ["db", "backup", .. var rest] => await BackupAsync(services, Options.Parse(rest, ["--to"], []), stdout),
                ["help" or "--help" or "-h", ..] => Help(stdout),
                _ => throw new UsageException($"Unknown command '{string.Join(' ', args)}'."),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        catch (ValidationFailedException e)
        {
            foreach (var (field, messages) in e.Errors)
            {
                foreach (var message in messages)
                {
                    await stderr.WriteLineAsync($"error: {field}: {message}");
                }
            }
            return 1;
        }
        catch (PortalException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine(Usage);
        return 0;
    }

    private static async Task<int> CreateUserAsync(IServiceProvider services, Options options, TextReader stdin, TextWriter stdout)
    {
        var email = options.Required("--email");
        var roles = options.All("--role");
        if (roles.Count == 0)
        {
            throw new UsageException("--role is required (Admin, Engineer, QA or Viewer); repeat it for several roles.");
        }
        if (!options.Flag("--password-stdin"))
        {
            throw new UsageException("--password-stdin is required: pass the password on standard input, never as an argument.");
        }
        var password = (await stdin.ReadLineAsync())?.TrimEnd('\r') ?? "";
        await PortalStartup.PrepareDatabaseAsync(services);
        await using var scope = services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<UserAccountService>()
            .CreateAsync(email, options.Single("--name"), roles, password, "cli");
        await stdout.WriteLineAsync($"Created user {account.Email} ({string.Join(", ", account.Roles)}), person '{account.PersonSlug}'.");
        return 0;
    }

    private static async Task<int> CreateTokenAsync(IServiceProvider services, Options options, TextWriter stdout)
    {
        var email = options.Required("--email");
        var name = options.Required("--name");
        var scopes = options.Required("--scopes").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!int.TryParse(options.Required("--expires-days"), out var days))
        {
            throw new UsageException("--expires-days takes a whole number of days (1 to 365).");
        }
        await PortalStartup.PrepareDatabaseAsync(services);
        await using var scope = services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email)
            ?? throw new NotFoundException($"User '{email}'");
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, name, scopes, days, createdBy: "cli");
        await stdout.WriteLineAsync($"Token '{token.Name}' for {email}, scopes {string.Join(",", token.Scopes)}, expires {token.ExpiresAt:yyyy-MM-dd}. It is shown once:");
        await stdout.WriteLineAsync(token.Token);
        return 0;
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, TextWriter stdout)
    {
        await PortalStartup.PrepareDatabaseAsync(services);
        await stdout.WriteLineAsync("Database is up to date.");
        return 0;
    }

    private static async Task<int> BackupAsync(IServiceProvider services, Options options, TextWriter stdout)
    {
        var target = Path.GetFullPath(options.Required("--to"));
        var config = services.GetRequiredService<IConfiguration>();
        if (DatabaseExtensions.Provider(config) != DatabaseProvider.Sqlite)
        {
            throw new UsageException("db backup copies the embedded SQLite database; for SQL Server use its own BACKUP DATABASE.");
        }
        if (File.Exists(target))
        {
            throw new UsageException($"{target} exists already; choose a new file so no backup is overwritten.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var source = (SqliteConnection)db.Database.GetDbConnection();
        await source.OpenAsync();
        // SQLite's online backup API: a consistent copy while the server keeps serving.
        await using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString());
        await destination.OpenAsync();
        source.BackupDatabase(destination);
        await stdout.WriteLineAsync($"Backed up {source.DataSource} to {target} ({new FileInfo(target).Length:N0} bytes).");
        return 0;
    }

    private sealed class UsageException(string message) : Exception(message);

    private sealed class Options
    {
        private readonly Dictionary<string, List<string>> values = [];
        private readonly HashSet<string> flags = [];

        public static Options Parse(string[] args, string[] valued, string[] flagNames)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                string? inline = null;
                var eq = arg.IndexOf('=');
                if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
                {
                    inline = arg[(eq + 1)..];
                    arg = arg[..eq];
                }
                if (flagNames.Contains(arg))
                {
                    options.flags.Add(arg);
                }
                else if (valued.Contains(arg))
                {
                    var value = inline ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"{arg} needs a value."));
                    if (!options.values.TryGetValue(arg, out var list))
                    {
                        options.values[arg] = list = [];
                    }
                    list.Add(value);
                }
                else
                {
                    throw new UsageException($"Unknown option '{args[i]}'.");
                }
            }
            return options;
        }

        public string Required(string name) =>
            Single(name) is { Length: > 0 } v ? v : throw new UsageException($"{name} is required.");

        public string? Single(string name) => values.TryGetValue(name, out var list) ? list[^1] : null;

        public List<string> All(string name) => values.TryGetValue(name, out var list) ? list : [];

        public bool Flag(string name) => flags.Contains(name);
    }
}
