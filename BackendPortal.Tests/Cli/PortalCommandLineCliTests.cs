using System.Net;
using System.Text.RegularExpressions;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Cli;

/// <summary>The verbs through RunAsync, on the same services and configuration as the running server.</summary>
public sealed class PortalCommandLineCliTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private sealed record Run(int ExitCode, string Out, string Err)
    {
        public string LastLine => Out.TrimEnd().Split('\n')[^1].TrimEnd('\r');
    }

    private async Task<Run> RunAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PortalCommandLine.RunAsync(factory.Services, args, new StringReader(stdin), stdout, stderr);
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Verbs_are_recognised_and_do_not_reach_the_host_configuration()
    {
        Assert.True(PortalCommandLine.IsCommand(["users", "create"]));
        Assert.True(PortalCommandLine.IsCommand(["db", "migrate"]));
        Assert.False(PortalCommandLine.IsCommand(["--urls", "http://127.0.0.1:5000"]));
        Assert.Empty(PortalCommandLine.HostArgs(["tokens", "create", "--email", "a@b.c"]));
        Assert.Equal(["--Demo:Seed=true", "--urls", "x"], PortalCommandLine.HostArgs(["--demo", "--urls", "x"]));
    }

    [Fact]
    public async Task Users_create_reads_the_password_from_stdin_and_the_account_signs_in()
    {
        var email = PortalFactory.Unique("cli") + "@example.com";
        var password = "a password from stdin";
        var run = await RunAsync(password + "\n", "users", "create", "--email", email, "--role", "engineer", "--role", "QA", "--name", "CLI User", "--password-stdin");

        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains(email, run.Out);
        Assert.Contains("Engineer, QA", run.Out);
        await factory.SignInAsync(email, password);
        var person = await factory.WithDbAsync(db => db.People.SingleAsync(p => p.Email == email));
        Assert.Equal("CLI User", person.Name);
        Assert.Equal("cli", person.CreatedBy);
    }

    [Theory]
    [InlineData("users create --email x@example.com --role Wizard --password-stdin", 1, "'Wizard' is not a role")]
    [InlineData("users create --email x@example.com --password-stdin", 2, "--role is required")]
    [InlineData("users create --email x@example.com --role Admin", 2, "--password-stdin is required")]
    [InlineData("users create --role Admin --password-stdin", 2, "--email is required")]
    [InlineData("users create --email", 2, "--email needs a value")]
    [InlineData("users create --email x@example.com --role Admin --password-stdin --admin", 2, "Unknown option '--admin'")]
    [InlineData("users frobnicate", 2, "Unknown command 'users frobnicate'")]
    [InlineData("tokens create --email x@example.com --name ci --scopes read --expires-days soon", 2, "--expires-days takes a whole number")]
    [InlineData("tokens create --email nobody@example.com --name ci --scopes read --expires-days 5", 1, "User 'nobody@example.com' was not found")]
    [InlineData("db backup", 2, "--to is required")]
    [InlineData("db", 2, "Unknown command")]
    public async Task Bad_arguments_exit_non_zero_with_a_message_on_stderr(string args, int exitCode, string message)
    {
        var run = await RunAsync("a long enough password\n", args.Split(' '));
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(message, run.Err);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_short_password_on_stdin_is_refused()
    {
        var run = await RunAsync("short\n", "users", "create", "--email", PortalFactory.Unique("p") + "@example.com", "--role", "Viewer", "--password-stdin");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: password:", run.Err);
    }

    [Fact]
    public async Task Tokens_create_prints_the_token_alone_on_the_last_line_and_it_works_as_a_bearer()
    {
        var user = await factory.CreateUserAsync(Roles.Engineer);
        var team = await factory.CreateTeamAsync();
        await factory.AddMemberAsync(team.Slug, user);
        var run = await RunAsync("", "tokens", "create", "--email", user.Email, "--name", "ci", "--scopes", "read,write", "--expires-days", "30");

        Assert.True(run.ExitCode == 0, run.Err);
        var token = run.LastLine;
        Assert.Matches(new Regex("^bp_[A-Za-z0-9]+_[A-Za-z0-9]+$"), token);
        var client = factory.BearerClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/services")).StatusCode);
        var post = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, "/api/v1/services", PortalFactory.NewServiceInput(team.Slug));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);

        var entry = await factory.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .SingleAsync(e => e.Action == Features.Audit.AuditActions.TokenCreated && e.Summary!.Contains(user.Email)));
        Assert.Equal("cli", entry.ActorName);
        Assert.Null(entry.ActorId);
        Assert.DoesNotContain(token, entry.Summary);
    }

    [Fact]
    public async Task Db_migrate_is_idempotent()
    {
        var first = await RunAsync("", "db", "migrate");
        var second = await RunAsync("", "db", "migrate");
        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.Contains("up to date", second.Out);
    }

    [Fact]
    public async Task Db_backup_writes_a_consistent_copy_that_holds_the_users_and_refuses_to_overwrite()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var target = Path.Combine(factory.Folder, "backups", PortalFactory.Unique("portal") + ".db");
        var run = await RunAsync("", "db", "backup", "--to", target);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.True(File.Exists(target));

        await using (var copy = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False"))
        {
            await copy.OpenAsync();
            await using var command = copy.CreateCommand();
            command.CommandText = "SELECT Email FROM AspNetUsers";
            var emails = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                emails.Add(reader.GetString(0));
            }
            Assert.Contains(user.Email, emails);
        }

        var again = await RunAsync("", "db", "backup", "--to", target);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists already", again.Err);
    }
}
