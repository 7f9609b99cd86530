using System.Net;
using System.Net.Http.Json;
using BackendPortal.Data;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Integration;

public enum Caller
{
    Anonymous,
    Viewer,
    QA,
    EngineerOwner,
    EngineerNonOwner,
    Admin,
}

/// <summary>What each kind of caller gets from one request.</summary>
public sealed record Expect(int Anonymous, int Viewer, int QA, int EngineerOwner, int EngineerNonOwner, int Admin)
{
    public int For(Caller caller) => caller switch
    {
        Caller.Anonymous => Anonymous,
        Caller.Viewer => Viewer,
        Caller.QA => QA,
        Caller.EngineerOwner => EngineerOwner,
        Caller.EngineerNonOwner => EngineerNonOwner,
        _ => Admin,
    };

    public static Expect Public(int status = 200) => new(status, status, status, status, status, status);

    /// <summary>GET of anything a signed-in user may see.</summary>
    public static Expect Read { get; } = new(401, 200, 200, 200, 200, 200);

    /// <summary>Changes to catalog data that has an owner team: only its engineers and admins.</summary>
    public static Expect OwnedWrite(int success) => new(401, 403, 403, success, 403, success);

    /// <summary>Changes any engineer may make (creating a team).</summary>
    public static Expect EngineerWrite(int success) => new(401, 403, 403, success, success, success);

    public static Expect AdminOnly(int success) => new(401, 403, 403, 403, 403, success);
}

/// <summary>What each caller sees when opening a page (see AccessTable.PageRows for the outcome words).</summary>
public sealed record PageExpect(string Anonymous, string Viewer, string QA, string EngineerOwner, string EngineerNonOwner, string Admin)
{
    public string For(Caller caller) => caller switch
    {
        Caller.Anonymous => Anonymous,
        Caller.Viewer => Viewer,
        Caller.QA => QA,
        Caller.EngineerOwner => EngineerOwner,
        Caller.EngineerNonOwner => EngineerNonOwner,
        _ => Admin,
    };

    public static PageExpect All(string outcome) => new(outcome, outcome, outcome, outcome, outcome, outcome);

    public static PageExpect SignedIn(string outcome) => new("login", outcome, outcome, outcome, outcome, outcome);

    public static PageExpect CatalogWriters { get; } = new("login", "denied", "denied", "200", "200", "200");
}

/// <summary>One endpoint of the matrix: how to call it (fresh data per caller when the call changes it) and what each caller gets.</summary>
public sealed record EndpointRow(string Method, string Pattern, Expect Expect, Func<MatrixData, Caller, Task<HttpRequestMessage>> Request);

/// <summary>
/// THE TABLE. Every mapped endpoint is either a page (rules below), a row here, or a listed skip.
/// A module that adds endpoints adds its rows (and route values) here.
/// </summary>
public static class AccessTable
{
    /// <summary>Pages an anonymous visitor may open; every other page redirects to sign-in.</summary>
    public static readonly IReadOnlySet<string> PublicPages = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/Lockout",
        "/Account/AccessDenied", "/Account/InvalidUser", "/Account/SetInitialPassword", "/setup", "/Error", "/not-found",
    };

    /// <summary>
    /// Page outcomes other than the default (public: "200" for everyone; others: "login" for anonymous,
    /// "200" for every role). Outcomes: a status code, "login" / "denied" (302 to sign-in / access
    /// denied) or "redirect:PATH".
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (PageExpect Expect, string Why)> PageRows = new Dictionary<string, (PageExpect, string)>(StringComparer.OrdinalIgnoreCase)
    {
        ["/services/new"] = (PageExpect.CatalogWriters, "creating a service needs the write-catalog policy"),
        ["/catalog/import"] = (PageExpect.CatalogWriters, "importing needs the write-catalog policy; ownership is checked per entity"),
        ["/services/{Slug}/edit"] = (PageExpect.CatalogWriters, "editing needs the write-catalog policy; a non-owner engineer gets the page with its refusal"),
        ["/Account/Manage/RenamePasskey/{Id}"] = (PageExpect.SignedIn("redirect:/Account/Manage/Passkeys"), "an unknown passkey id goes back to the passkey list"),
        ["/Account/Manage/SetPassword"] = (PageExpect.SignedIn("redirect:/Account/Manage/ChangePassword"), "these users have a password already"),
        // Without the two-factor state they need, these pages send the user where that state starts.
        ["/Account/LoginWith2fa"] = (PageExpect.All("login"), "no password step in progress: start at sign-in"),
        ["/Account/LoginWithRecoveryCode"] = (PageExpect.All("login"), "no password step in progress: start at sign-in"),
        ["/Account/Manage/Disable2fa"] = (PageExpect.SignedIn("redirect:/Account/Manage/TwoFactorAuthentication"), "2FA is off for these users"),
        ["/Account/Manage/GenerateRecoveryCodes"] = (PageExpect.SignedIn("redirect:/Account/Manage/TwoFactorAuthentication"), "2FA is off for these users"),
        ["/admin/tokens"] = (new PageExpect("login", "denied", "denied", "denied", "denied", "200"), "everyone's tokens are for admins"),
        ["/profile/sessions"] = (PageExpect.SignedIn("200"), "every signed-in user sees their own sessions"),
        ["/profile/tokens"] = (PageExpect.SignedIn("200"), "every signed-in user manages their own tokens"),
        ["/admin"] = (new PageExpect("login", "denied", "denied", "denied", "denied", "200"), "the admin overview is for admins"),
        ["/admin/users"] = (new PageExpect("login", "denied", "denied", "denied", "denied", "200"), "user administration is for admins"),
        ["/admin/audit"] = (new PageExpect("login", "denied", "denied", "denied", "denied", "200"), "the audit log is for admins"),
        ["/admin/skills"] = (new PageExpect("login", "denied", "denied", "denied", "denied", "200"), "the skill catalog and levels are managed by admins"),
        ["/people/new"] = (PageExpect.SignedIn("200"), "opens for everyone signed in; only admins and team leads get the form, others the page's refusal"),
        ["/people/{Slug}/edit"] = (PageExpect.SignedIn("200"), "the person edits their own profile in any role; leads and admins too; others get the page's refusal"),
    };

    public static PageExpect PageExpectFor(string pattern) =>
        PageRows.TryGetValue(pattern, out var row) ? row.Expect
        : PublicPages.Contains(pattern) ? PageExpect.All("200")
        : PageExpect.SignedIn("200");

    /// <summary>Endpoints checked for a rule but not called: they cannot be exercised with a plain GET.</summary>
    public static readonly IReadOnlyDictionary<string, string> Skipped = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["* /_blazor"] = "SignalR hub of interactive circuits (websocket / long polling)",
        ["* /_blazor/negotiate"] = "SignalR negotiate, POST only",
        ["* /_blazor/disconnect/"] = "circuit disconnect beacon, POST only",
        ["* /_blazor/initializers/"] = "JS initializer list fetched by blazor.web.js while starting a circuit",
        ["GET /_framework/opaque-redirect"] = "needs a data-protected redirect target issued by a previous enhanced navigation",
        ["POST /Account/Logout"] = "POST-only form endpoint with antiforgery (sign-out is covered by the E2E tests)",
        ["POST /Account/PasskeyCreationOptions"] = "POST-only WebAuthn endpoint with antiforgery",
        ["POST /Account/PasskeyRequestOptions"] = "POST-only WebAuthn endpoint with antiforgery",
        ["POST /Account/Manage/DownloadPersonalData"] = "POST-only form endpoint with antiforgery",
    };

    /// <summary>Concrete values for route parameters, by parameter name and the route they appear in.</summary>
    public static string Concrete(string pattern, MatrixData data)
    {
        var path = pattern.StartsWith('/') ? pattern : "/" + pattern;
        foreach (var parameter in Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(pattern).Parameters)
        {
            var value = parameter.Name.ToLowerInvariant() switch
            {
                "slug" when path.Contains("/apis", StringComparison.OrdinalIgnoreCase) => data.ApiSlug,
                "version" when path.Contains("/apis", StringComparison.OrdinalIgnoreCase) => "1.0.0",
                "slug" when path.Contains("/services", StringComparison.OrdinalIgnoreCase) => data.ServiceSlug,
                "slug" when path.Contains("/teams", StringComparison.OrdinalIgnoreCase) => data.TeamSlug,
                "slug" when path.Contains("/systems", StringComparison.OrdinalIgnoreCase) => data.SystemSlug,
                "slug" when path.Contains("/databases", StringComparison.OrdinalIgnoreCase) => data.DatabaseSlug,
                "slug" when path.Contains("/people", StringComparison.OrdinalIgnoreCase) => data.Users[Caller.EngineerOwner].PersonSlug,
                "slug" when path.Contains("/skills", StringComparison.OrdinalIgnoreCase) => "java",
                "skill" => "java",
                "level" => "senior",
                "documentname" => "v1",
                "email" when path.Contains("/users", StringComparison.OrdinalIgnoreCase) => data.Users[Caller.Viewer].Email,
                "id" when path.Contains("Passkey", StringComparison.OrdinalIgnoreCase) => "AAAA",
                "runid" => "1",
                "id" when path.Contains("/incidents", StringComparison.OrdinalIgnoreCase) => "1",
                _ => throw new InvalidOperationException($"Route {pattern}: add a concrete value for {{{parameter.Name}}} in AccessTable.Concrete."),
            };
            path = System.Text.RegularExpressions.Regex.Replace(path, "\\{\\*{0,2}" + parameter.Name + "(:[^}]*)?\\??\\}", Uri.EscapeDataString(value));
        }
        return path;
    }

    /// <summary>Database data posted by CI (QA or Admin with ingest) or an engineer of the owner team (docs/decisions/0010).</summary>
    private static readonly Expect DatabaseIngest = new(401, 403, 201, 201, 403, 201);

    private static Func<MatrixData, Caller, Task<HttpRequestMessage>> Get(string pattern) =>
        (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, Concrete(pattern, data)));

    public static readonly IReadOnlyList<EndpointRow> Rows =
    [
        new("GET", "/healthz", Expect.Public(), Get("/healthz")),
        new("GET", "/readyz", Expect.Public(), Get("/readyz")),
        new("GET", "/openapi/{documentName}.json", Expect.Read, Get("/openapi/{documentName}.json")),

        // Services
        new("GET", "/api/v1/services/", Expect.Read, Get("/api/v1/services/")),
        new("GET", "/api/v1/services/export.csv", Expect.Read, Get("/api/v1/services/export.csv")),
        new("GET", "/api/v1/services/{slug}", Expect.Read, Get("/api/v1/services/{slug}")),
        new("POST", "/api/v1/services/", Expect.OwnedWrite(201), (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/services")
        {
            Content = JsonContent.Create(PortalFactory.NewServiceInput(data.TeamSlug)),
        })),
        new("PUT", "/api/v1/services/{slug}", Expect.OwnedWrite(200), async (data, _) =>
        {
            var service = await data.Factory.CreateServiceAsync(data.TeamSlug);
            var input = ServiceInput.From(service);
            input.Name = "Renamed";
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{service.Slug}") { Content = JsonContent.Create(input) };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(service.ETag));
            return request;
        }),
        new("DELETE", "/api/v1/services/{slug}", Expect.OwnedWrite(204), async (data, _) =>
        {
            var service = await data.Factory.CreateServiceAsync(data.TeamSlug);
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/services/{service.Slug}");
        }),

        // Teams: any engineer creates one (and leads it); leads and admins change it; admins delete it.
        new("GET", "/api/v1/teams/", Expect.Read, Get("/api/v1/teams/")),
        new("GET", "/api/v1/teams/export.csv", Expect.Read, Get("/api/v1/teams/export.csv")),
        new("GET", "/api/v1/teams/{slug}", Expect.Read, Get("/api/v1/teams/{slug}")),
        new("POST", "/api/v1/teams/", Expect.EngineerWrite(201), (_, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/teams")
        {
            Content = JsonContent.Create(new TeamInput { Slug = PortalFactory.Unique("new-team"), Name = "New team" }),
        })),
        new("PUT", "/api/v1/teams/{slug}", Expect.OwnedWrite(200), async (data, _) =>
        {
            var team = await data.NewTeamLedByOwnerAsync();
            var input = TeamInput.From(team);
            input.Name = "Renamed";
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/teams/{team.Slug}") { Content = JsonContent.Create(input) };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(team.ETag));
            return request;
        }),
        new("DELETE", "/api/v1/teams/{slug}", Expect.AdminOnly(204), async (data, _) =>
        {
            var team = await data.NewTeamLedByOwnerAsync();
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/teams/{team.Slug}");
        }),

        // Systems: like services (owner team's engineers and admins change them).
        new("GET", "/api/v1/systems/", Expect.Read, Get("/api/v1/systems/")),
        new("GET", "/api/v1/systems/export.csv", Expect.Read, Get("/api/v1/systems/export.csv")),
        new("GET", "/api/v1/systems/{slug}", Expect.Read, Get("/api/v1/systems/{slug}")),
        new("GET", "/api/v1/systems/{slug}/members", Expect.Read, Get("/api/v1/systems/{slug}/members")),
        new("POST", "/api/v1/systems/", Expect.OwnedWrite(201), (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/systems")
        {
            Content = JsonContent.Create(CatalogData.NewSystemInput(data.TeamSlug)),
        })),
        new("PUT", "/api/v1/systems/{slug}", Expect.OwnedWrite(200), async (data, _) =>
        {
            var system = await data.Factory.CreateSystemAsync(data.TeamSlug);
            var input = Features.Systems.SystemInput.From(system);
            input.Name = "Renamed";
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/systems/{system.Slug}") { Content = JsonContent.Create(input) };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(system.ETag));
            return request;
        }),
        new("DELETE", "/api/v1/systems/{slug}", Expect.OwnedWrite(204), async (data, _) =>
        {
            var system = await data.Factory.CreateSystemAsync(data.TeamSlug);
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/systems/{system.Slug}");
        }),

        // Databases: owner team's engineers and admins change them; CI (QA/Admin with ingest) and owner engineers post data.
        new("GET", "/api/v1/databases/", Expect.Read, Get("/api/v1/databases/")),
        new("GET", "/api/v1/databases/export.csv", Expect.Read, Get("/api/v1/databases/export.csv")),
        new("GET", "/api/v1/databases/{slug}", Expect.Read, Get("/api/v1/databases/{slug}")),
        new("GET", "/api/v1/databases/{slug}/migrations", Expect.Read, Get("/api/v1/databases/{slug}/migrations")),
        new("GET", "/api/v1/databases/{slug}/size", Expect.Read, Get("/api/v1/databases/{slug}/size")),
        new("GET", "/api/v1/databases/{slug}/slow-queries", Expect.Read, Get("/api/v1/databases/{slug}/slow-queries")),
        new("GET", "/api/v1/databases/{slug}/backups", Expect.Read, Get("/api/v1/databases/{slug}/backups")),
        new("POST", "/api/v1/databases/", Expect.OwnedWrite(201), (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/databases")
        {
            Content = JsonContent.Create(CatalogData.NewDatabaseInput(data.TeamSlug)),
        })),
        new("PUT", "/api/v1/databases/{slug}", Expect.OwnedWrite(200), async (data, _) =>
        {
            var database = await data.Factory.CreateDatabaseAsync(data.TeamSlug);
            var input = Features.Databases.DatabaseInput.From(database);
            input.Name = "Renamed";
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/databases/{database.Slug}") { Content = JsonContent.Create(input) };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(database.ETag));
            return request;
        }),
        new("DELETE", "/api/v1/databases/{slug}", Expect.OwnedWrite(204), async (data, _) =>
        {
            var database = await data.Factory.CreateDatabaseAsync(data.TeamSlug);
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/databases/{database.Slug}");
        }),
        new("POST", "/api/v1/databases/{slug}/migrations", DatabaseIngest, (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/databases/{data.DatabaseSlug}/migrations")
        {
            Content = JsonContent.Create(new { id = PortalFactory.Unique("migration"), environment = "staging" }),
        })),
        new("POST", "/api/v1/databases/{slug}/size", DatabaseIngest, (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/databases/{data.DatabaseSlug}/size")
        {
            Content = JsonContent.Create(new { bytes = 1024 }),
        })),
        new("POST", "/api/v1/databases/{slug}/slow-queries", DatabaseIngest, (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/databases/{data.DatabaseSlug}/slow-queries")
        {
            Content = JsonContent.Create(new[] { new { query = "select 1", calls = 1, meanMs = 1.5 } }),
        })),
        new("POST", "/api/v1/databases/{slug}/backups", DatabaseIngest, (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/databases/{data.DatabaseSlug}/backups")
        {
            Content = JsonContent.Create(new { verified = true }),
        })),
        // Backstage import and export: import needs write-catalog and ownership of what it changes; export is a read.
        new("POST", "/api/v1/catalog/import", Expect.OwnedWrite(200), (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/catalog/import")
        {
            Content = new StringContent(
                $"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {PortalFactory.Unique("imported")}\nspec:\n  type: service\n  lifecycle: production\n  owner: {data.TeamSlug}\n",
                System.Text.Encoding.UTF8, "application/yaml"),
        })),
        new("GET", "/api/v1/catalog/export", Expect.Read, Get("/api/v1/catalog/export")),
        // APIs: everyone reads; the owner team's engineers and admins change an API, its versions and a service's declared usage.
        new("GET", "/api/v1/apis/", Expect.Read, Get("/api/v1/apis/")),
        new("GET", "/api/v1/apis/export.csv", Expect.Read, Get("/api/v1/apis/export.csv")),
        new("GET", "/api/v1/apis/{slug}", Expect.Read, Get("/api/v1/apis/{slug}")),
        new("GET", "/api/v1/apis/{slug}/versions", Expect.Read, Get("/api/v1/apis/{slug}/versions")),
        new("GET", "/api/v1/apis/{slug}/versions/{version}/score", Expect.Read, Get("/api/v1/apis/{slug}/versions/{version}/score")),
        new("GET", "/api/v1/apis/{slug}/versions/{version}/document", Expect.Read, Get("/api/v1/apis/{slug}/versions/{version}/document")),
        new("GET", "/api/v1/apis/{slug}/diff", Expect.Read, (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/apis/{data.ApiSlug}/diff?from=1.0.0&to=1.0.0"))),
        new("GET", "/api/v1/apis/{slug}/consumers", Expect.Read, Get("/api/v1/apis/{slug}/consumers")),
        new("GET", "/api/v1/services/{slug}/api-usage", Expect.Read, Get("/api/v1/services/{slug}/api-usage")),
        new("POST", "/api/v1/apis/", Expect.OwnedWrite(201), (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/apis")
        {
            Content = JsonContent.Create(Features.Apis.ApiTestData.NewInput(data.TeamSlug)),
        })),
        new("PUT", "/api/v1/apis/{slug}", Expect.OwnedWrite(200), async (data, _) =>
        {
            var api = await Features.Apis.ApiTestData.CreateApiAsync(data.Factory, data.TeamSlug);
            var input = Features.Apis.ApiInput.From(api);
            input.Name = "Renamed";
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/apis/{api.Slug}") { Content = JsonContent.Create(input) };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(api.ETag));
            return request;
        }),
        new("DELETE", "/api/v1/apis/{slug}", Expect.OwnedWrite(204), async (data, _) =>
        {
            var api = await Features.Apis.ApiTestData.CreateApiAsync(data.Factory, data.TeamSlug);
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/apis/{api.Slug}");
        }),
        new("DELETE", "/api/v1/apis/{slug}/versions/{version}", Expect.OwnedWrite(204), async (data, _) =>
            new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/apis/{await Features.Apis.ApiTestData.SeedApiAsync(data.Factory, data.TeamSlug)}/versions/1.0.0")),
        new("POST", "/api/v1/apis/{slug}/versions", Expect.OwnedWrite(201), (data, _) => Task.FromResult(
            new HttpRequestMessage(HttpMethod.Post, $"/api/v1/apis/{data.ApiSlug}/versions?version={PortalFactory.Unique("v")}")
            {
                Content = new StringContent(Features.Apis.SpecFixtures.Perfect, System.Text.Encoding.UTF8, "application/yaml"),
            })),
        new("PUT", "/api/v1/services/{slug}/api-usage", Expect.OwnedWrite(200), (data, _) => Task.FromResult(
            new HttpRequestMessage(HttpMethod.Put, $"/api/v1/services/{data.ServiceSlug}/api-usage")
            {
                Content = JsonContent.Create(new[] { new { api = data.ApiSlug, operations = new[] { "getOrder" } } }),
            })),

        // Audit log: admins only, read-only (there is no route that changes an entry).
        new("GET", "/api/v1/audit/", Expect.AdminOnly(200), Get("/api/v1/audit/")),
        new("GET", "/api/v1/audit/export.csv", Expect.AdminOnly(200), Get("/api/v1/audit/export.csv")),

        // Quality: reading is for everyone; posting runs, load tests and budgets is QA's and admins' (Ingest);
        // quarantining is also the owning team's engineers' (see docs/decisions/0009-quarantine-rights.md).
        new("POST", "/api/v1/services/{slug}/test-runs", new Expect(401, 403, 201, 403, 403, 201), Features.Quality.QualityMatrix.PostRun),
        new("GET", "/api/v1/services/{slug}/test-runs", Expect.Read, Get("/api/v1/services/{slug}/test-runs")),
        new("GET", "/api/v1/quality/dashboard", Expect.Read, Get("/api/v1/quality/dashboard")),
        new("GET", "/api/v1/services/{slug}/test-runs/{id:long}", Expect.Read, Features.Quality.QualityMatrix.GetRun),
        new("GET", "/api/v1/services/{slug}/flaky-tests", Expect.Read, Get("/api/v1/services/{slug}/flaky-tests")),
        new("PUT", "/api/v1/services/{slug}/flaky-tests/{id:int}/quarantine", new Expect(401, 403, 200, 200, 403, 200), Features.Quality.QualityMatrix.Quarantine),
        new("POST", "/api/v1/services/{slug}/load-tests", new Expect(401, 403, 201, 403, 403, 201), Features.Quality.QualityMatrix.PostLoadTest),
        new("GET", "/api/v1/services/{slug}/load-tests", Expect.Read, Get("/api/v1/services/{slug}/load-tests")),
        new("GET", "/api/v1/services/{slug}/load-test-budget", Expect.Read, Features.Quality.QualityMatrix.GetBudget),
        new("PUT", "/api/v1/services/{slug}/load-test-budget", new Expect(401, 403, 200, 403, 403, 200), Features.Quality.QualityMatrix.PutBudget),

        // Users: admins only (policy Admin: role and the admin scope).
        new("GET", "/api/v1/users/", Expect.AdminOnly(200), Get("/api/v1/users/")),
        new("GET", "/api/v1/users/{email}", Expect.AdminOnly(200), Get("/api/v1/users/{email}")),
        new("POST", "/api/v1/users/", Expect.AdminOnly(201), (_, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = JsonContent.Create(new { email = PortalFactory.Unique("invited") + "@example.com", roles = new[] { Roles.Viewer } }),
        })),
        new("PATCH", "/api/v1/users/{email}", Expect.AdminOnly(200), async (data, _) =>
        {
            var user = await data.Factory.CreateUserAsync(Roles.Viewer);
            return new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{Uri.EscapeDataString(user.Email)}") { Content = JsonContent.Create(new { locked = true }) };
        }),

        // People: everyone signed in reads; a person rates their own skills, leads endorse and level their members, admins anything.
        new("GET", "/api/v1/people/", Expect.Read, Get("/api/v1/people/")),
        new("GET", "/api/v1/people/export.csv", Expect.Read, Get("/api/v1/people/export.csv")),
        new("GET", "/api/v1/people/bus-factor-risks", Expect.Read, Get("/api/v1/people/bus-factor-risks")),
        new("GET", "/api/v1/people/{slug}", Expect.Read, Get("/api/v1/people/{slug}")),
        new("GET", "/api/v1/people/{slug}/skills", Expect.Read, Get("/api/v1/people/{slug}/skills")),
        new("GET", "/api/v1/people/{slug}/gap", Expect.Read, Get("/api/v1/people/{slug}/gap")),
        new("POST", "/api/v1/people/", Expect.OwnedWrite(201), (data, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/people")
        {
            Content = JsonContent.Create(new { slug = PortalFactory.Unique("hire"), name = "New hire", teams = new[] { data.TeamSlug }, level = "junior" }),
        })),
        new("PUT", "/api/v1/people/{slug}", Expect.OwnedWrite(200), async (data, _) =>
        {
            var person = await data.NewMemberOfOwnersTeamAsync();
            var input = Features.People.PersonInput.From(person);
            input.Level = "senior";
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/people/{person.Slug}") { Content = JsonContent.Create(input) };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(person.ETag));
            return request;
        }),
        new("DELETE", "/api/v1/people/{slug}", Expect.AdminOnly(204), async (data, _) =>
        {
            var person = await data.NewMemberOfOwnersTeamAsync();
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/people/{person.Slug}");
        }),
        // The owner engineer's own ratings: they and admins may change them, nobody else.
        new("PUT", "/api/v1/people/{slug}/skills", Expect.OwnedWrite(200), (data, _) => Task.FromResult(
            new HttpRequestMessage(HttpMethod.Put, $"/api/v1/people/{data.Users[Caller.EngineerOwner].PersonSlug}/skills")
            {
                Content = JsonContent.Create(new[] { new { skill = "java", level = 3 } }),
            })),
        // A member of the team the owner engineer leads: the lead and admins endorse.
        new("PUT", "/api/v1/people/{slug}/skills/{skill}/endorsement", Expect.OwnedWrite(200), async (data, _) =>
            new HttpRequestMessage(HttpMethod.Put, $"/api/v1/people/{(await data.RatedMemberOfOwnersTeamAsync()).Slug}/skills/java/endorsement")),
        new("DELETE", "/api/v1/people/{slug}/skills/{skill}/endorsement", Expect.OwnedWrite(200), async (data, _) =>
            new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/people/{(await data.RatedMemberOfOwnersTeamAsync()).Slug}/skills/java/endorsement")),
        new("GET", "/api/v1/teams/{slug}/skills-matrix", Expect.Read, Get("/api/v1/teams/{slug}/skills-matrix")),
        new("GET", "/api/v1/services/{slug}/bus-factor", Expect.Read, Get("/api/v1/services/{slug}/bus-factor")),

        // Skill catalog and levels: everyone reads, admins change.
        new("GET", "/api/v1/skills/", Expect.Read, Get("/api/v1/skills/")),
        new("GET", "/api/v1/skills/{slug}", Expect.Read, Get("/api/v1/skills/{slug}")),
        new("POST", "/api/v1/skills/", Expect.AdminOnly(201), (_, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/skills")
        {
            Content = JsonContent.Create(new { slug = PortalFactory.Unique("skill"), name = "New skill", category = "Languages" }),
        })),
        new("PUT", "/api/v1/skills/{slug}", Expect.AdminOnly(200), async (data, _) =>
        {
            var skill = await data.NewSkillAsync();
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/skills/{skill.Slug}")
            {
                Content = JsonContent.Create(new { slug = skill.Slug, name = "Renamed", category = skill.Category }),
            };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(skill.ETag));
            return request;
        }),
        new("DELETE", "/api/v1/skills/{slug}", Expect.AdminOnly(204), async (data, _) =>
            new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/skills/{(await data.NewSkillAsync()).Slug}")),
        new("GET", "/api/v1/levels/", Expect.Read, Get("/api/v1/levels/")),
        new("GET", "/api/v1/levels/{level}", Expect.Read, Get("/api/v1/levels/{level}")),
        new("PUT", "/api/v1/levels/{level}", Expect.AdminOnly(200), async (data, _) =>
        {
            var level = await data.Factory.WithServiceAsync<Features.People.SkillCatalogService, Features.People.LevelDetails>(s => s.LevelAsync("staff"));
            var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/levels/staff") { Content = JsonContent.Create(Features.People.LevelInput.From(level)) };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(level.ETag));
            return request;
        }),
        // Graph and search: everyone who can read the catalog.
        new("GET", "/api/v1/services/{slug}/blast-radius", Expect.Read, Get("/api/v1/services/{slug}/blast-radius")),
        new("GET", "/api/v1/databases/{slug}/blast-radius", Expect.Read, async (data, _) =>
            new HttpRequestMessage(HttpMethod.Get, $"/api/v1/databases/{await Features.Graph.GraphMatrix.DatabaseAsync(data)}/blast-radius")),
        new("GET", "/api/v1/apis/{slug}/blast-radius", Expect.Read, async (data, _) =>
            new HttpRequestMessage(HttpMethod.Get, $"/api/v1/apis/{await Features.Graph.GraphMatrix.ApiAsync(data)}/blast-radius")),
        new("GET", "/api/v1/graph", Expect.Read, Get("/api/v1/graph")),
        new("GET", "/api/v1/search", Expect.Read, Get("/api/v1/search")),
        // Operations: checks follow catalog ownership; incidents are worked by engineers, QA and admins; deployments come from CI (ingest) or owner engineers.
        .. OperationsMatrix.Rows,
    ];
}

/// <summary>The seeded world: one team led by the owner engineer, one service it owns, and a user per role.</summary>
public sealed class MatrixData(PortalFactory factory)
{
    public PortalFactory Factory { get; } = factory;
    public string TeamSlug { get; private set; } = "";
    public string ServiceSlug { get; private set; } = "";
    public string SystemSlug { get; private set; } = "";
    public string DatabaseSlug { get; private set; } = "";
    public string ApiSlug { get; private set; } = "";
    public Dictionary<Caller, Features.Users.UserAccount> Users { get; } = [];

    public async Task SeedAsync()
    {
        Users[Caller.Viewer] = await Factory.CreateUserAsync(Roles.Viewer);
        Users[Caller.QA] = await Factory.CreateUserAsync(Roles.QA);
        Users[Caller.EngineerOwner] = await Factory.CreateUserAsync(Roles.Engineer);
        Users[Caller.EngineerNonOwner] = await Factory.CreateUserAsync(Roles.Engineer);
        Users[Caller.Admin] = await Factory.CreateUserAsync(Roles.Admin);
        var team = await NewTeamLedByOwnerAsync();
        TeamSlug = team.Slug;
        ServiceSlug = (await Factory.CreateServiceAsync(TeamSlug)).Slug;
        SystemSlug = (await Factory.CreateSystemAsync(TeamSlug)).Slug;
        DatabaseSlug = (await Factory.CreateDatabaseAsync(TeamSlug)).Slug;
        ApiSlug = await Features.Apis.ApiTestData.SeedApiAsync(Factory, TeamSlug);
        // The non-owner engineer belongs to some other team, so "member of a team" alone is not enough.
        var other = await Factory.CreateTeamAsync();
        await Factory.AddMemberAsync(other.Slug, Users[Caller.EngineerNonOwner]);
    }

    /// <summary>A person without an account in the team the owner engineer leads.</summary>
    public Task<Features.People.PersonDetails> NewMemberOfOwnersTeamAsync() =>
        Factory.WithServiceAsync<Features.People.PeopleService, Features.People.PersonDetails>(s => s.CreateAsync(Security.Actor.System, new Features.People.PersonInput
        {
            Slug = PortalFactory.Unique("member"),
            Name = "Member",
            Level = "junior",
            Teams = [TeamSlug],
        }));

    public async Task<Features.People.PersonDetails> RatedMemberOfOwnersTeamAsync()
    {
        var person = await NewMemberOfOwnersTeamAsync();
        await Factory.WithServiceAsync<Features.People.PeopleService, IReadOnlyList<Features.People.SkillRating>>(s =>
            s.ReplaceSkillsAsync(Security.Actor.System, person.Slug, [new Features.People.SkillRatingInput { Skill = "java", Level = 2 }]));
        return person;
    }

    public Task<Features.People.SkillDetails> NewSkillAsync() =>
        Factory.WithServiceAsync<Features.People.SkillCatalogService, Features.People.SkillDetails>(s => s.CreateAsync(Security.Actor.System, new Features.People.SkillInput
        {
            Slug = PortalFactory.Unique("skill"),
            Name = "Skill",
            Category = "Languages",
        }));

    public async Task<TeamDetails> NewTeamLedByOwnerAsync()
    {
        var team = await Factory.CreateTeamAsync();
        await Factory.AddMemberAsync(team.Slug, Users[Caller.EngineerOwner], TeamRole.Lead);
        return await Factory.WithServiceAsync<TeamService, TeamDetails>(s => s.GetAsync(team.Slug));
    }
}

public sealed class AuthorizationMatrixTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly Caller[] SignedIn = [Caller.Viewer, Caller.QA, Caller.EngineerOwner, Caller.EngineerNonOwner, Caller.Admin];

    private IReadOnlyList<Endpoint> Endpoints => factory.Services.GetRequiredService<EndpointDataSource>().Endpoints;

    private static string Key(Endpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
        var method = methods is null || methods.Count == 0 ? "*" : methods.Contains("GET") ? "GET" : string.Join(",", methods);
        return $"{method} {Pattern(endpoint)}";
    }

    private static string Pattern(Endpoint endpoint) => (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint.DisplayName ?? "?";

    private static bool IsPage(Endpoint e) => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;

    private static bool IsStaticAsset(Endpoint e) =>
        e.Metadata.Any(m => m.GetType().Namespace == "Microsoft.AspNetCore.StaticAssets");

    /// <summary>MapStaticAssets' catch-all for files of a build-output manifest; it carries no metadata we can set.</summary>
    private static bool IsStaticAssetFallback(Endpoint e) =>
        e.Metadata.Any(m => m.GetType().Name == "FallbackMetadata") && Pattern(e) == "{**path:file}";

    [Fact]
    public void Every_endpoint_states_its_authorization_rule()
    {
        Assert.NotEmpty(Endpoints);
        var missing = Endpoints
            .Where(e => !IsStaticAssetFallback(e))
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any() && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(Key)
            .ToList();
        Assert.True(missing.Count == 0, "These endpoints name no rule ([Authorize(Policy = ...)] / RequireAuthorization / AllowAnonymous):\n" + string.Join("\n", missing));
        // The one endpoint that cannot carry a rule still falls under the sign-in fallback policy.
        var options = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthorizationOptions>>().Value;
        Assert.NotNull(options.FallbackPolicy);
        Assert.Contains(options.FallbackPolicy!.Requirements, r => r is Microsoft.AspNetCore.Authorization.Infrastructure.DenyAnonymousAuthorizationRequirement);
    }

    [Fact]
    public void Every_endpoint_is_a_page_a_row_or_a_listed_skip()
    {
        var rows = AccessTable.Rows.Select(r => $"{r.Method} {r.Pattern}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = Endpoints
            .Where(e => !IsPage(e) && !IsStaticAsset(e) && !IsStaticAssetFallback(e))
            .Select(Key)
            .Where(k => !rows.Contains(k) && !AccessTable.Skipped.ContainsKey(k))
            .ToList();
        Assert.True(unknown.Count == 0, "Add a row to AccessTable.Rows (or a reasoned skip) for:\n" + string.Join("\n", unknown));
        var stale = rows.Where(r => !Endpoints.Select(Key).Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
        Assert.True(stale.Count == 0, "Rows for endpoints that no longer exist:\n" + string.Join("\n", stale));
        var pages = Endpoints.Where(IsPage).Select(Pattern).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var stalePages = AccessTable.PageRows.Keys.Concat(AccessTable.PublicPages).Where(p => !pages.Contains(p)).ToList();
        Assert.True(stalePages.Count == 0, "Page rows for pages that no longer exist:\n" + string.Join("\n", stalePages));
        Assert.True(Endpoints.Count(IsStaticAsset) > 0 && Endpoints.Where(IsStaticAsset).All(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null));
    }

    [Fact]
    public async Task Pages_redirect_anonymous_visitors_to_sign_in_except_the_public_ones_and_open_for_every_role()
    {
        var data = new MatrixData(factory);
        await data.SeedAsync();
        var clients = new Dictionary<Caller, HttpClient> { [Caller.Anonymous] = factory.AnonymousClient() };
        foreach (var caller in SignedIn)
        {
            clients[caller] = await factory.SignInAsync(data.Users[caller]);
        }

        var pages = Endpoints.Where(IsPage).Select(e => ((RouteEndpoint)e).RoutePattern.RawText!).Distinct().ToList();
        Assert.Contains("/", pages);
        Assert.Contains("/Account/Login", pages);
        var failures = new List<string>();
        foreach (var pattern in pages)
        {
            var url = AccessTable.Concrete(pattern, data);
            var expect = AccessTable.PageExpectFor(pattern);
            foreach (var (caller, client) in clients)
            {
                var response = await client.GetAsync(url);
                var outcome = Outcome(response);
                if (outcome != expect.For(caller))
                {
                    failures.Add($"{caller} GET {url}: expected {expect.For(caller)}, got {outcome}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Outcome(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var location = response.Headers.Location!;
        var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
        return path.Equals("/Account/Login", StringComparison.OrdinalIgnoreCase) ? "login"
            : path.Equals("/Account/AccessDenied", StringComparison.OrdinalIgnoreCase) ? "denied"
            : "redirect:" + path;
    }

    [Fact]
    public async Task Api_and_other_endpoints_answer_each_role_as_the_table_says_with_cookie_and_with_token()
    {
        var data = new MatrixData(factory);
        await data.SeedAsync();
        var cookie = new Dictionary<Caller, HttpClient> { [Caller.Anonymous] = factory.AnonymousClient() };
        var bearer = new Dictionary<Caller, HttpClient>();
        foreach (var caller in SignedIn)
        {
            cookie[caller] = await factory.SignInAsync(data.Users[caller]);
            bearer[caller] = factory.BearerClient(await factory.CreateTokenAsync(data.Users[caller], "read,write,ingest,admin"));
        }

        var failures = new List<string>();
        foreach (var row in AccessTable.Rows)
        {
            foreach (var (kind, clients) in new[] { ("cookie", cookie), ("token", bearer) })
            {
                foreach (var (caller, client) in clients)
                {
                    using var request = await row.Request(data, caller);
                    var description = $"{caller} ({kind}) {request.Method} {request.RequestUri}";
                    using var response = await client.SendAsync(request);
                    var expected = row.Expect.For(caller);
                    if ((int)response.StatusCode != expected)
                    {
                        failures.Add($"{description}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                    else if (expected >= 400 && row.Pattern.StartsWith("/api", StringComparison.Ordinal)
                        && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{description}: {expected} without problem details ({response.Content.Headers.ContentType})");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_static_asset_is_served_to_anonymous_visitors_and_the_api_reference_is_not()
    {
        var client = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/app.css")).StatusCode);
        var docs = await client.GetAsync("/api/docs/index.html");
        Assert.Equal(HttpStatusCode.Redirect, docs.StatusCode);
        Assert.Contains("/Account/Login", docs.Headers.Location!.ToString());
    }
}
