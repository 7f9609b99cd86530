using BackendPortal.Data;
using BackendPortal.Features.Apis;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.Catalog;

public sealed class BackstageImportServiceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private Task<ImportOutcome> ImportAsync(string yaml, bool dryRun = false, Actor? actor = null) =>
        factory.WithServiceAsync<BackstageImportService, ImportOutcome>(s => s.ImportAsync(actor ?? Actor.System, yaml, dryRun));

    private static void AssertOk(ImportOutcome outcome) =>
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors.Select(e => $"{e.Document} {e.Kind} {e.Name} {e.Field}: {e.Message}")));

    [Fact]
    public async Task Every_kind_is_imported_with_its_fields_and_relations()
    {
        var p = PortalFactory.Unique("bs");
        var outcome = await ImportAsync(BackstageSamples.Catalog(p));
        AssertOk(outcome);
        Assert.Equal(11, outcome.Summary.Created);
        Assert.Equal(2, outcome.Summary.Skipped);
        Assert.Contains(outcome.Summary.Results, r => r is { Document: 12, Kind: "Location", Action: ImportActions.Skipped });
        Assert.Contains(outcome.Summary.Results, r => r is { Document: 13, Kind: "Template", Action: ImportActions.Unknown });

        await factory.WithDbAsync(async db =>
        {
            var org = await db.Teams.SingleAsync(t => t.SlugKey == p + "-org");
            var payments = await db.Teams.SingleAsync(t => t.SlugKey == p + "-payments");
            Assert.Equal(("business-unit", $"{p} Org", "The whole company"), (org.Type, org.Name, org.Description));
            Assert.Equal(("team", "Payments Team", org.Id), (payments.Type, payments.Name, payments.ParentTeamId));

            var person = await db.People.Include(x => x.Memberships).SingleAsync(x => x.SlugKey == p + "-jdoe");
            Assert.Equal(("Jenny Doe", "jenny-doe@example.com", (string?)null), (person.Name, person.Email, person.UserId));
            Assert.Equal([payments.Id], person.Memberships.Select(m => m.TeamId));

            var domain = await db.Domains.SingleAsync(x => x.SlugKey == p + "-commerce");
            Assert.Equal(("Commerce", org.Id), (domain.Name, domain.OwnerTeamId));
            var system = await db.Systems.SingleAsync(x => x.SlugKey == p + "-checkout");
            Assert.Equal((p + "-commerce", payments.Id, "Everything that takes money"), (system.Domain, system.OwnerTeamId, system.Description));
            Assert.Equal(["payments"], system.Tags);

            var orders = await db.Services.Include(s => s.DependsOn).Include(s => s.Databases).Include(s => s.Resources).Include(s => s.Apis)
                .SingleAsync(x => x.SlugKey == p + "-orders");
            Assert.Equal(("Orders service", "service", Lifecycle.Production, 1), (orders.Name, orders.Type, orders.Lifecycle, orders.Tier));
            Assert.Equal(("https://github.com/example/orders", "https://runbooks.example.com/orders"), (orders.RepositoryUrl, orders.RunbookUrl));
            Assert.Equal(["java", "spring-boot"], orders.Tags);
            Assert.Equal(system.Id, orders.SystemId);
            var pricing = await db.Services.SingleAsync(x => x.SlugKey == p + "-pricing");
            Assert.Equal(("library", Lifecycle.Experimental, 3, (int?)null), (pricing.Type, pricing.Lifecycle, pricing.Tier, pricing.SystemId));
            Assert.Equal([pricing.Id], orders.DependsOn.Select(d => d.DependsOnId));
            var ordersDb = await db.Databases.SingleAsync(x => x.SlugKey == p + "-orders-db");
            Assert.Equal((DatabaseEngine.PostgreSql, DeploymentEnvironment.Production, system.Id), (ordersDb.Engine, ordersDb.Environment, ordersDb.SystemId));
            Assert.Equal([ordersDb.Id], orders.Databases.Select(d => d.DatabaseId));
            var bucket = await db.Resources.SingleAsync(x => x.SlugKey == p + "-orders-bucket");
            Assert.Equal("s3-bucket", bucket.Type);
            Assert.Equal([bucket.Id], orders.Resources.Select(d => d.ResourceId));

            var ordersApi = await db.Apis.SingleAsync(x => x.SlugKey == p + "-orders-api");
            var pricingApi = await db.Apis.SingleAsync(x => x.SlugKey == p + "-pricing-api");
            Assert.Equal((ApiType.OpenApi, Lifecycle.Production, system.Id), (ordersApi.Type, ordersApi.Lifecycle, ordersApi.SystemId));
            Assert.Equal("openapi: \"3.0.0\"\ninfo:\n  version: 1.0.0\n  title: Orders\npaths:\n  /orders:\n    get:\n      summary: List orders\n", ordersApi.Definition);
            Assert.Equal((ApiType.Grpc, Lifecycle.Deprecated, "$text: https://example.com/pricing.proto"), (pricingApi.Type, pricingApi.Lifecycle, pricingApi.Definition));
            Assert.Equal(
                [(ordersApi.Id, ApiRole.Provides), (pricingApi.Id, ApiRole.Consumes)],
                orders.Apis.OrderBy(a => a.Role).Select(a => (a.ApiId, a.Role)));
            Assert.Equal("system", orders.CreatedBy);
            return 0;
        });
    }

    [Fact]
    public async Task Importing_the_same_file_again_changes_nothing_and_a_changed_field_updates_only_that_entity()
    {
        var p = PortalFactory.Unique("again");
        var yaml = BackstageSamples.Catalog(p);
        AssertOk(await ImportAsync(yaml));
        var versions = await factory.WithDbAsync(db => db.Services.Where(s => s.SlugKey.StartsWith(p)).Select(s => s.Version).ToListAsync());

        var again = await ImportAsync(yaml);
        AssertOk(again);
        Assert.Equal((0, 0, 11), (again.Summary.Created, again.Summary.Updated, again.Summary.Unchanged));
        Assert.Equal(versions, await factory.WithDbAsync(db => db.Services.Where(s => s.SlugKey.StartsWith(p)).Select(s => s.Version).ToListAsync()));

        var changed = await ImportAsync(yaml.Replace("- resource:" + p + "-orders-bucket", "").Replace("displayName: Jenny Doe", "displayName: Jenny Roe"));
        AssertOk(changed);
        Assert.Equal((0, 2, 9), (changed.Summary.Created, changed.Summary.Updated, changed.Summary.Unchanged));
        Assert.Equal(ImportActions.Updated, changed.Summary.Results.Single(r => r.Name == p + "-orders").Action);
        Assert.Equal(ImportActions.Updated, changed.Summary.Results.Single(r => r.Name == p + "-jdoe").Action);
        Assert.Equal(0, await factory.WithDbAsync(db => db.ServiceResources.CountAsync(r => r.Service.SlugKey == p + "-orders")));
    }

    [Fact]
    public async Task Imported_entities_are_searchable_and_a_changed_description_replaces_their_terms()
    {
        var p = PortalFactory.Unique("find");
        var yaml = BackstageSamples.Catalog(p);
        AssertOk(await ImportAsync(yaml));
        Task<List<string>> FindAsync(string q) =>
            factory.WithServiceAsync<Search.SearchService, List<string>>(async s => [.. (await s.SearchAsync(q, null)).Items.Select(i => $"{i.Kind}:{i.Slug}")]);

        Assert.Equal([$"service:{p}-orders"], await FindAsync($"{p}-orders takes"));
        Assert.Contains($"api:{p}-orders-api", await FindAsync($"{p}-orders"));
        Assert.Contains($"team:{p}-payments", await FindAsync($"{p}-pay"));
        Assert.Contains($"person:{p}-jdoe", await FindAsync($"{p}-jd"));

        AssertOk(await ImportAsync(yaml.Replace("description: Takes orders", "description: Accepts baskets")));
        Assert.Empty(await FindAsync($"{p}-orders takes"));
        Assert.Equal([$"service:{p}-orders"], await FindAsync($"{p}-orders accepts"));
        // One set of terms per entity: the rewrite did not leave the old rows beside the new ones.
        var terms = await factory.WithDbAsync(db => db.SearchTerms.Where(t => t.Kind == "service" && t.Key == p + "-orders")
            .GroupBy(t => new { t.Term, t.Field }).Select(g => g.Count()).ToListAsync());
        Assert.All(terms, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task A_dry_run_reports_the_same_actions_and_writes_nothing()
    {
        var p = PortalFactory.Unique("dry");
        var audited = await factory.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == AuditActions.CatalogImported));
        var dry = await ImportAsync(BackstageSamples.Catalog(p), dryRun: true);
        AssertOk(dry);
        Assert.True(dry.Summary.DryRun);
        Assert.Equal(11, dry.Summary.Created);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Teams.CountAsync(t => t.SlugKey.StartsWith(p))));
        Assert.Equal(audited, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == AuditActions.CatalogImported)));
    }

    [Fact]
    public async Task Invalid_documents_are_all_listed_by_number_kind_name_and_field_and_nothing_is_written()
    {
        var p = PortalFactory.Unique("bad");
        var yaml = $"""
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {"{"} name: {p}-team {"}"}
            spec: {"{"} type: team, children: [] {"}"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: {p}-no-owner
            spec:
              type: service
              lifecycle: production
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: "{p}--double"
              tags: [Not Valid]
            spec: {"{"} type: service, lifecycle: production, owner: {p}-team {"}"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata: {"{"} name: {p}-api {"}"}
            spec: {"{"} type: openapi, lifecycle: production, owner: {p}-team {"}"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {"{"} name: {p}-dangling {"}"}
            spec:
              type: service
              lifecycle: production
              owner: {p}-team
              dependsOn: [{p}-missing, component:{p}-nowhere]
              providesApis: [{p}-nothing]
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {"{"} name: {p}-user-owned {"}"}
            spec: {"{"} type: service, lifecycle: sometimes, owner: user:{p}-someone {"}"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {"{"} name: {p}-nobody {"}"}
            spec: {"{"} profile: {"{"} displayName: Nobody {"}"} {"}"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {"{"} name: {p}-team, namespace: other {"}"}
            spec: {"{"} type: team, children: [] {"}"}
            """;
        var outcome = await ImportAsync(yaml);
        Assert.False(outcome.Succeeded);
        string[] Fields(int document) => [.. outcome.Errors.Where(e => e.Document == document).Select(e => e.Field).Order(StringComparer.Ordinal)];
        Assert.Empty(Fields(1));
        Assert.Equal(["spec.owner"], Fields(2));
        Assert.Equal(["metadata.name", "metadata.tags[0]"], Fields(3));
        Assert.Equal(["spec.definition"], Fields(4));
        Assert.Equal(["spec.dependsOn[0]", "spec.dependsOn[1]", "spec.providesApis[0]"], Fields(5));
        Assert.Contains("must name its kind", outcome.Errors.First(e => e.Document == 5).Message);
        Assert.Equal(["spec.owner"], Fields(6));
        Assert.Contains("Owners are teams", outcome.Errors.First(e => e.Document == 6).Message);
        Assert.Equal(["spec.memberOf"], Fields(7));
        // The same name in 'default' and another namespace: the default one is kept, the other listed as skipped.
        Assert.Empty(Fields(8));
        Assert.Equal(ImportActions.Skipped, outcome.Summary.Results.Single(r => r.Document == 8).Action);
        Assert.All(outcome.Errors, e => Assert.NotEqual("", e.Kind));
        Assert.Equal(p + "-no-owner", outcome.Errors.Single(e => e.Document == 2).Name);
        Assert.Equal(ImportActions.Created, outcome.Summary.Results.Single(r => r.Document == 1).Action);
        Assert.Equal(ImportActions.Error, outcome.Summary.Results.Single(r => r.Document == 2).Action);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Teams.CountAsync(t => t.SlugKey.StartsWith(p))));
    }

    [Fact]
    public async Task Entities_of_other_namespaces_map_onto_the_portals_one_namespace_by_name()
    {
        var p = PortalFactory.Unique("ns");
        var yaml = $"""
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {"{"} name: {p}-team, namespace: payments {"}"}
            spec: {"{"} type: team, children: [] {"}"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {"{"} name: {p}-ledger, namespace: payments {"}"}
            spec: {"{"} type: service, lifecycle: production, owner: group:payments/{p}-team {"}"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {"{"} name: {p}-checkout {"}"}
            spec: {"{"} type: service, lifecycle: production, owner: group:payments/{p}-team, dependsOn: [component:payments/{p}-ledger] {"}"}
            """;

        AssertOk(await ImportAsync(yaml));

        var dependsOn = await factory.WithDbAsync(db => db.ServiceDependencies.Where(d => d.Service.SlugKey == p + "-checkout").Select(d => d.DependsOn.SlugKey).ToListAsync());
        Assert.Equal([p + "-ledger"], dependsOn);
        var broken = await ImportAsync(yaml.Replace("name: " + p + "-checkout", "name: " + p + "-ledger, namespace: billing"));
        var error = Assert.Single(broken.Errors, e => e.Document == 3);
        Assert.Equal("metadata.namespace", error.Field);
        Assert.Contains("document 2 in namespace 'payments'", error.Message);
        var badNamespace = await ImportAsync(yaml.Replace("group:payments/", "group:Not_Valid/"));
        Assert.Contains(badNamespace.Errors, e => e.Field == "spec.owner" && e.Message.Contains("not a valid namespace"));
    }

    [Fact]
    public async Task A_user_defined_again_in_another_namespace_is_skipped_and_the_default_one_imported()
    {
        // After Backstage's packages/catalog-model/examples/acme/team-a-group.yaml (Apache-2.0), which defines
        // user 'guest' in 'default' and again in 'development' with memberOf [group:default/team-a].
        var p = PortalFactory.Unique("acme");
        var yaml = $"""
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata:
              name: {p}-team-a
              description: Team A
            spec:
              type: team
              profile:
                # Intentional no displayName for testing
                email: team-a@example.com
              children: []
            ---
            # This user is added as an example, to make it more easy for the "Guest"
            # sign-in option to demonstrate some entities being owned.
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata:
              name: {p}-guest
              namespace: development
            spec:
              profile:
                displayName: Guest User
                email: guest@example.com
              memberOf: [group:default/{p}-team-a]
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata:
              name: {p}-guest
            spec:
              profile:
                displayName: Guest User 
                email: guest@example.com
              memberOf: [{p}-team-a]
            """;

        var outcome = await ImportAsync(yaml);

        AssertOk(outcome);
        Assert.Equal((2, 1), (outcome.Summary.Created, outcome.Summary.Skipped));
        var skipped = outcome.Summary.Results.Single(r => r.Document == 2);
        Assert.Equal((ImportActions.Skipped, "User"), (skipped.Action, skipped.Kind));
        Assert.Contains("keeps document 3", skipped.Message);
        Assert.Equal(ImportActions.Created, outcome.Summary.Results.Single(r => r.Document == 3).Action);
        var memberships = await factory.WithDbAsync(db => db.People.Where(x => x.SlugKey == p + "-guest").SelectMany(x => x.Memberships).Select(m => m.Team.SlugKey).ToListAsync());
        Assert.Equal([p + "-team-a"], memberships);
    }

    [Fact]
    public async Task An_unknown_lifecycle_is_refused_and_synonyms_are_mapped()
    {
        var p = PortalFactory.Unique("life");
        var team = await factory.CreateTeamAsync();
        string Component(string name, string lifecycle) =>
            $"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{ name: {name} }}\nspec: {{ type: service, lifecycle: {lifecycle}, owner: {team.Slug} }}\n";
        var refused = await ImportAsync(Component(p + "-a", "sometimes"));
        Assert.Equal("spec.lifecycle", Assert.Single(refused.Errors).Field);

        AssertOk(await ImportAsync(Component(p + "-b", "beta") + "---\n" + Component(p + "-c", "GA") + "---\n" + Component(p + "-d", "retired")));
        var lifecycles = await factory.WithDbAsync(db => db.Services.Where(s => s.SlugKey.StartsWith(p)).OrderBy(s => s.SlugKey).Select(s => s.Lifecycle).ToListAsync());
        Assert.Equal([Lifecycle.Experimental, Lifecycle.Production, Lifecycle.Deprecated], lifecycles);
    }

    [Fact]
    public async Task The_unknown_lifecycle_backstage_generates_for_discovered_repositories_imports_as_experimental()
    {
        var p = PortalFactory.Unique("disc");
        var team = await factory.CreateTeamAsync();
        var yaml = $"""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: {p}-repo
              annotations:
                github.com/project-slug: example-org/{p}-repo
            spec:
              type: other
              lifecycle: Unknown
              owner: {team.Slug}
            """;
        AssertOk(await ImportAsync(yaml));
        var service = await factory.WithDbAsync(db => db.Services.SingleAsync(s => s.SlugKey == p + "-repo"));
        Assert.Equal(("other", Lifecycle.Experimental), (service.Type, service.Lifecycle));
        Assert.Equal(0, (await ImportAsync(yaml)).Summary.Updated);
    }

    [Fact]
    public async Task References_resolve_against_the_portal_ignoring_case_and_duplicates_in_the_file_are_errors()
    {
        var p = PortalFactory.Unique("refs");
        var team = await factory.CreateTeamAsync();
        var existing = await factory.CreateServiceAsync(team.Slug);
        var yaml = $"""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {"{"} name: {p}-a {"}"}
            spec: {"{"} type: website, lifecycle: production, owner: "group:default/{team.Slug.ToUpperInvariant()}", dependsOn: ["Component:{existing.Slug.ToUpperInvariant()}"] {"}"}
            """;
        AssertOk(await ImportAsync(yaml));
        var dependsOn = await factory.WithDbAsync(db => db.ServiceDependencies.Where(d => d.Service.SlugKey == p + "-a").Select(d => d.DependsOn.Slug).ToListAsync());
        Assert.Equal([existing.Slug], dependsOn);

        var duplicate = await ImportAsync(yaml + "\n---\n" + yaml.Replace($"name: {p}-a", $"name: {p.ToUpperInvariant()}-A"));
        var error = Assert.Single(duplicate.Errors);
        Assert.Equal((2, "metadata.name"), (error.Document, error.Field));
        Assert.Contains("document 1", error.Message);
    }

    [Fact]
    public async Task Malformed_yaml_names_line_and_column_and_alias_bombs_are_refused()
    {
        var broken = await ImportAsync("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\n");
        var error = Assert.Single(broken.Errors);
        Assert.Contains("line", error.Field);
        Assert.Matches("line \\d+, column \\d+", error.Message);

        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        var refused = await ImportAsync(bomb);
        Assert.Contains("Aliases expand", Assert.Single(refused.Errors).Message);

        var deep = new string('[', 200) + new string(']', 200);
        Assert.Contains("nests deeper", Assert.Single((await ImportAsync(deep)).Errors).Message);
        var duplicateKey = await ImportAsync("apiVersion: backstage.io/v1alpha1\nkind: Group\nkind: User\n");
        Assert.Contains("appears twice", Assert.Single(duplicateKey.Errors).Message);
    }

    [Fact]
    public async Task An_engineer_imports_what_their_team_owns_but_not_other_teams_entities_or_groups()
    {
        var p = PortalFactory.Unique("eng");
        var mine = await factory.CreateTeamAsync();
        var theirs = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(mine.Slug, engineer);
        var actor = PortalFactory.ActorFor(engineer);
        string Component(string name, string owner) =>
            $"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{ name: {name} }}\nspec: {{ type: service, lifecycle: production, owner: {owner} }}\n";

        AssertOk(await ImportAsync(Component(p + "-mine", mine.Slug), actor: actor));
        var refused = await ImportAsync(Component(p + "-theirs", theirs.Slug) + "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: " + p + "-g }\nspec: { type: team, children: [] }\n", actor: actor);
        Assert.True(refused.Forbidden);
        Assert.Equal(["spec.owner", "kind"], refused.Errors.Select(e => e.Field));
        // Handing my service to another team is also a change to something I may not own afterwards.
        var handOver = await ImportAsync(Component(p + "-mine", theirs.Slug), actor: actor);
        Assert.True(handOver.Forbidden);
        // Unchanged documents need no right at all.
        AssertOk(await ImportAsync(Component(p + "-mine", mine.Slug), actor: actor));
    }

    [Fact]
    public async Task An_import_is_audited_once_with_its_counts()
    {
        var p = PortalFactory.Unique("audit");
        AssertOk(await ImportAsync(BackstageSamples.Catalog(p)));
        var entries = await factory.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == AuditActions.CatalogImported).Select(a => a.Summary).ToListAsync());
        Assert.Contains(entries, s => s!.Contains("11 created, 0 updated, 0 unchanged, 2 skipped"));
        Assert.Equal(0, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityKey != null && a.EntityKey.StartsWith(p))));
    }

    [Fact]
    public async Task Export_is_valid_backstage_and_round_trips_through_an_empty_portal()
    {
        var p = PortalFactory.Unique("trip");
        AssertOk(await ImportAsync(BackstageSamples.Catalog(p)));
        var first = await ExportAsync(factory);

        // Every document passes the same Backstage rules the import checks, with fully qualified references.
        var errors = new List<ImportError>();
        foreach (var document in YamlDocuments.Read(first))
        {
            Assert.NotNull(new BackstageEntityReader(document, errors).Read(out var skipped, out _, out _));
            Assert.Null(skipped);
        }
        Assert.Empty(errors);
        Assert.Contains($"owner: group:default/{p}-payments", first);
        Assert.Contains($"- resource:default/{p}-orders-db", first);
        Assert.Contains("$text: https://example.com/pricing.proto", first);

        // The exported file imports back here unchanged, and into an empty portal as the same catalog.
        var again = await ImportAsync(first);
        AssertOk(again);
        Assert.Equal((0, 0), (again.Summary.Created, again.Summary.Updated));
        await using var empty = new PortalFactory();
        var into = await empty.WithServiceAsync<BackstageImportService, ImportOutcome>(s => s.ImportAsync(Actor.System, first, false));
        AssertOk(into);
        Assert.Equal(0, into.Summary.Updated);
        Assert.Equal(first, await ExportAsync(empty));
    }

    private static Task<string> ExportAsync(PortalFactory portal) =>
        portal.WithServiceAsync<BackstageExportService, string>(async s =>
        {
            var writer = new StringWriter();
            await s.WriteAsync(writer);
            return writer.ToString();
        });
}
