using BackendPortal.Data;
using BackendPortal.Features.Teams;
using BackendPortal.Features.Users;
using BackendPortal.Infrastructure;
using BackendPortal.Security;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Features.Services;

/// <summary>The service layer on a real SQLite file: rules hold whichever door (page, API, CLI) calls them.</summary>
public sealed class ServiceCatalogServiceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private ServiceCatalogService Catalog => factory.Services.CreateScope().ServiceProvider.GetRequiredService<ServiceCatalogService>();

    private async Task<(string Team, UserAccount Member, Actor Actor)> TeamWithEngineerAsync()
    {
        var team = await factory.CreateTeamAsync();
        var engineer = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, engineer);
        return (team.Slug, engineer, PortalFactory.ActorFor(engineer));
    }

    [Fact]
    public async Task Create_get_update_list_and_delete_round_trip()
    {
        var team = await factory.CreateTeamAsync();
        var admin = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Admin));
        var slug = PortalFactory.Unique("Orders-API");
        var created = await Catalog.CreateAsync(admin, new ServiceInput
        {
            Slug = slug,
            Name = " Orders API ",
            Owner = team.Slug.ToUpperInvariant(),
            Lifecycle = "Production",
            Languages = ["java", "csharp", "Java"],
            Tags = ["Payments"],
            RepositoryUrl = "https://git.example.com/orders",
        });

        Assert.Equal(slug, created.Slug);
        Assert.Equal("Orders API", created.Name);
        Assert.Equal(team.Slug, created.Owner);
        Assert.Equal("production", created.Lifecycle);
        Assert.Equal(3, created.Tier);
        Assert.Equal(["Java", "C#"], created.Languages);
        Assert.Equal(["payments"], created.Tags);
        Assert.Equal(admin.Name, created.CreatedBy);
        Assert.NotEqual(Guid.Empty, created.Version);

        var fetched = await Catalog.GetAsync(slug.ToLowerInvariant());
        Assert.Equal((created.Slug, created.Name, created.Version, created.UpdatedAt), (fetched.Slug, fetched.Name, fetched.Version, fetched.UpdatedAt));
        Assert.Equal(created.Languages, fetched.Languages);

        var input = ServiceInput.From(fetched);
        input.Tier = 1;
        input.Lifecycle = "deprecated";
        var updated = await Catalog.UpdateAsync(admin, slug, input, fetched.Version);
        Assert.Equal(1, updated.Tier);
        Assert.Equal("deprecated", updated.Lifecycle);
        Assert.NotEqual(fetched.Version, updated.Version);

        var listed = await Catalog.ListAsync(new ServiceFilter(Owner: team.Slug), PageRequest.Parse(null, null));
        Assert.Equal(slug, Assert.Single(listed.Items).Slug);

        await Catalog.DeleteAsync(admin, slug, updated.Version);
        await Assert.ThrowsAsync<NotFoundException>(() => Catalog.GetAsync(slug));
    }

    [Fact]
    public async Task Invalid_input_reports_each_field_with_a_message()
    {
        var admin = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Admin));
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => Catalog.CreateAsync(admin, new ServiceInput
        {
            Slug = "orders api",
            Name = "",
            Owner = null,
            Lifecycle = "retired",
            Tier = 4,
            RepositoryUrl = "ftp://git.example.com/x",
            RunbookUrl = "javascript:alert(1)",
        }));

        Assert.Equal(StatusCodes400, error.StatusCode);
        Assert.Contains("not a valid slug", Assert.Single(error.Errors["slug"]));
        Assert.Contains("name is required", Assert.Single(error.Errors["name"]));
        Assert.Contains("owner is required", Assert.Single(error.Errors["owner"]));
        Assert.Contains("'retired' is not a lifecycle", Assert.Single(error.Errors["lifecycle"]));
        Assert.Contains("tier must be 1, 2 or 3", Assert.Single(error.Errors["tier"]));
        Assert.Contains("http:// or https://", Assert.Single(error.Errors["repositoryUrl"]));
        Assert.Contains("http:// or https://", Assert.Single(error.Errors["runbookUrl"]));

        var unknownOwner = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Catalog.CreateAsync(admin, PortalFactory.NewServiceInput("no-such-team")));
        Assert.Contains("There is no team 'no-such-team'", Assert.Single(unknownOwner.Errors["owner"]));
    }

    private const int StatusCodes400 = 400;

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    public void Page_limits_outside_1_to_200_are_refused(int limit)
    {
        var error = Assert.Throws<ValidationFailedException>(() => PageRequest.Parse(limit, null));
        Assert.Contains("limit", error.Errors.Keys);
    }

    [Fact]
    public async Task Slugs_are_unique_ignoring_case_and_keep_their_case()
    {
        var team = await factory.CreateTeamAsync();
        var admin = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Admin));
        var slug = PortalFactory.Unique("Billing");
        await Catalog.CreateAsync(admin, PortalFactory.NewServiceInput(team.Slug, slug));

        var conflict = await Assert.ThrowsAsync<ConflictException>(() =>
            Catalog.CreateAsync(admin, PortalFactory.NewServiceInput(team.Slug, slug.ToLowerInvariant())));
        Assert.Equal(409, conflict.StatusCode);
        Assert.Equal(slug, (await Catalog.GetAsync(slug.ToUpperInvariant())).Slug);

        // Renaming another service onto it is refused too.
        var other = await factory.CreateServiceAsync(team.Slug);
        var input = ServiceInput.From(other);
        input.Slug = slug.ToUpperInvariant();
        await Assert.ThrowsAsync<ConflictException>(() => Catalog.UpdateAsync(admin, other.Slug, input, other.Version));
    }

    [Fact]
    public async Task Keyset_cursor_walks_every_row_exactly_once()
    {
        var team = await factory.CreateTeamAsync();
        var slugs = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            // Mixed case: the order is by the folded key, the case is kept.
            slugs.Add((await factory.CreateServiceAsync(team.Slug, (i % 2 == 0 ? "Walk" : "walk") + $"-{i:D2}-{team.Slug}")).Slug);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Catalog.ListAsync(new ServiceFilter(Owner: team.Slug), PageRequest.Parse(4, cursor));
            Assert.Equal(11, page.Total);
            Assert.InRange(page.Items.Count, 1, 4);
            seen.AddRange(page.Items.Select(s => s.Slug));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(slugs.OrderBy(s => s.ToLowerInvariant(), StringComparer.Ordinal), seen);

        // The text filter takes its own path through the list; it pages the same way.
        var viaText = new List<string>();
        cursor = null;
        do
        {
            var page = await Catalog.ListAsync(new ServiceFilter(Q: team.Slug), PageRequest.Parse(5, cursor));
            Assert.Equal(11, page.Total);
            viaText.AddRange(page.Items.Select(s => s.Slug));
            cursor = page.NextCursor;
        }
        while (cursor is not null && viaText.Count < 50);
        Assert.Equal(seen, viaText);
    }

    [Fact]
    public void A_cursor_the_server_did_not_issue_is_a_validation_error()
    {
        var error = Assert.Throws<ValidationFailedException>(() => PageRequest.Parse(10, "%%%not-base64"));
        Assert.Contains("cursor", error.Errors.Keys);
    }

    [Fact]
    public async Task Filters_by_text_owner_lifecycle_and_language()
    {
        var team = await factory.CreateTeamAsync();
        var other = await factory.CreateTeamAsync();
        var marker = PortalFactory.Unique("zebra");
        var a = await factory.CreateServiceAsync(team.Slug, configure: s =>
        {
            s.Description = $"Handles {marker} payments";
            s.Languages = ["Python"];
            s.Lifecycle = "experimental";
        });
        var b = await factory.CreateServiceAsync(team.Slug, configure: s =>
        {
            s.Name = $"The {marker} gateway";
            s.Languages = ["Go"];
        });
        var c = await factory.CreateServiceAsync(other.Slug, configure: s => s.Languages = ["python"]);

        async Task<string[]> Slugs(ServiceFilter filter) =>
            [.. (await Catalog.ListAsync(filter, PageRequest.Parse(200, null))).Items.Select(s => s.Slug)];

        Assert.Equal(new[] { a.Slug, b.Slug }.Order(StringComparer.Ordinal), await Slugs(new ServiceFilter(Q: marker.ToUpperInvariant())));
        Assert.Equal(new[] { a.Slug, b.Slug }.Order(StringComparer.Ordinal), await Slugs(new ServiceFilter(Owner: team.Slug)));
        Assert.Equal([a.Slug], await Slugs(new ServiceFilter(Owner: team.Slug, Lifecycle: "Experimental")));
        Assert.Equal([b.Slug], await Slugs(new ServiceFilter(Owner: team.Slug, Language: "golang")));
        var python = await Slugs(new ServiceFilter(Language: "PYTHON"));
        Assert.Contains(a.Slug, python);
        Assert.Contains(c.Slug, python);
        Assert.DoesNotContain(b.Slug, python);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Slugs(new ServiceFilter(Lifecycle: "retired")));

        // The grid's query and the CSV export use the same filter.
        var grid = await Catalog.QueryAsync(new ServiceFilter(Q: marker), ServiceSort.Name, descending: true, 0, 10);
        Assert.Equal(2, grid.Total);
        Assert.Equal(b.Slug, grid.Items[0].Slug);
        var csv = new StringWriter();
        await Catalog.WriteCsvAsync(new ServiceFilter(Q: marker), csv);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("slug,name,owner,lifecycle", lines[0]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task Csv_rows_carry_system_and_relations_across_export_chunks()
    {
        var seed = new Graph.CatalogSeed(factory);
        var teamId = await seed.TeamIdAsync((await factory.CreateTeamAsync()).Slug);
        var system = await seed.SystemAsync(teamId, "shop");
        var db = await seed.DatabaseAsync(teamId, "ledger-db");
        var api = await seed.ApiAsync(teamId, "orders-api");
        var ids = new List<int>();
        for (var i = 0; i < 505; i++)
        {
            ids.Add(await seed.ServiceAsync(teamId, $"svc-{i:D3}", systemId: i == 0 ? system : null));
        }
        await seed.DependsAsync(ids[0], ids[1]);
        await seed.UsesDatabaseAsync(ids[0], db);
        await seed.LinkApiAsync(ids[0], api, ApiRole.Provides);
        await seed.DependsAsync(ids[504], ids[0]);
        await seed.LinkApiAsync(ids[504], api, ApiRole.Consumes);

        var csv = new StringWriter();
        await Catalog.WriteCsvAsync(new ServiceFilter(Q: seed.Prefix), csv);

        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(506, lines.Count);
        Assert.EndsWith($",{seed.S("shop")},{seed.S("svc-001")},{seed.S("ledger-db")},{seed.S("orders-api")},", lines[1]);
        Assert.StartsWith(seed.S("svc-504") + ",", lines[^1]);
        Assert.EndsWith($",,{seed.S("svc-000")},,,{seed.S("orders-api")}", lines[^1]);
        Assert.Equal(505, lines.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());
    }

    [Fact]
    public async Task Engineers_edit_only_what_their_teams_own()
    {
        var (team, member, engineer) = await TeamWithEngineerAsync();
        var outsider = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Engineer));
        var viewer = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Viewer));
        var qa = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.QA));
        var admin = PortalFactory.ActorFor(await factory.CreateUserAsync(Roles.Admin));

        var service = await Catalog.CreateAsync(engineer, PortalFactory.NewServiceInput(team));
        Assert.Equal(member.Email, service.CreatedBy);
        Assert.True(await Catalog.CanEditAsync(engineer, service.Slug));
        Assert.False(await Catalog.CanEditAsync(outsider, service.Slug));
        Assert.False(await Catalog.CanEditAsync(viewer, service.Slug));
        Assert.True(await Catalog.CanEditAsync(admin, service.Slug));

        var input = ServiceInput.From(service);
        input.Name = "Changed by the owner";
        service = await Catalog.UpdateAsync(engineer, service.Slug, input, service.Version);
        Assert.Equal("Changed by the owner", service.Name);

        foreach (var refused in new[] { outsider, viewer, qa })
        {
            var forbidden = await Assert.ThrowsAsync<ForbiddenException>(() => Catalog.UpdateAsync(refused, service.Slug, input, service.Version));
            Assert.Equal(403, forbidden.StatusCode);
            await Assert.ThrowsAsync<ForbiddenException>(() => Catalog.DeleteAsync(refused, service.Slug, null));
            await Assert.ThrowsAsync<ForbiddenException>(() => Catalog.CreateAsync(refused, PortalFactory.NewServiceInput(team)));
        }
        Assert.Equal("Changed by the owner", (await Catalog.GetAsync(service.Slug)).Name);

        input.Name = "Changed by an admin";
        service = await Catalog.UpdateAsync(admin, service.Slug, input, service.Version);
        Assert.Equal(admin.Name, service.UpdatedBy);

        // A token narrowed to read cannot write even for an owner.
        var readOnly = PortalFactory.ActorFor(member, TokenScopes.Read);
        var noWrite = await Assert.ThrowsAsync<ForbiddenException>(() => Catalog.UpdateAsync(readOnly, service.Slug, input, null));
        Assert.Contains("write", noWrite.Message);

        await Catalog.DeleteAsync(engineer, service.Slug, null);
        await Assert.ThrowsAsync<NotFoundException>(() => Catalog.GetAsync(service.Slug));
    }

    [Fact]
    public async Task An_engineer_cannot_hand_a_service_to_a_team_they_are_not_in()
    {
        var (team, member, engineer) = await TeamWithEngineerAsync();
        var foreign = await factory.CreateTeamAsync();
        var second = await factory.CreateTeamAsync();
        await factory.AddMemberAsync(second.Slug, member);
        var service = await factory.CreateServiceAsync(team);

        var input = ServiceInput.From(service);
        input.Owner = foreign.Slug;
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => Catalog.UpdateAsync(engineer, service.Slug, input, service.Version));
        Assert.Contains(foreign.Slug, refused.Message);
        Assert.Equal(team, (await Catalog.GetAsync(service.Slug)).Owner);

        await Assert.ThrowsAsync<ForbiddenException>(() => Catalog.CreateAsync(engineer, PortalFactory.NewServiceInput(foreign.Slug)));

        input.Owner = second.Slug;
        Assert.Equal(second.Slug, (await Catalog.UpdateAsync(engineer, service.Slug, input, service.Version)).Owner);
    }

    [Fact]
    public async Task A_stale_save_names_who_changed_it_and_a_null_version_overwrites()
    {
        var (team, _, alice) = await TeamWithEngineerAsync();
        var bobAccount = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team, bobAccount);
        var bob = PortalFactory.ActorFor(bobAccount);
        var service = await factory.CreateServiceAsync(team);

        var alicesCopy = await Catalog.GetAsync(service.Slug);
        var bobsEdit = ServiceInput.From(service);
        bobsEdit.Name = "Bob's name";
        var afterBob = await Catalog.UpdateAsync(bob, service.Slug, bobsEdit, service.Version);

        var alicesEdit = ServiceInput.From(alicesCopy);
        alicesEdit.Name = "Alice's name";
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Catalog.UpdateAsync(alice, service.Slug, alicesEdit, alicesCopy.Version));
        Assert.Equal(412, conflict.StatusCode);
        Assert.Equal(bob.Name, conflict.ChangedBy);
        Assert.Equal(afterBob.UpdatedAt, conflict.ChangedAt);
        Assert.Equal(afterBob.ETag, conflict.CurrentETag);
        Assert.Contains(bob.Name, conflict.Message);
        Assert.Equal("Bob's name", (await Catalog.GetAsync(service.Slug)).Name);

        // Deleting from a stale copy is refused the same way.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Catalog.DeleteAsync(alice, service.Slug, alicesCopy.Version));

        var overwritten = await Catalog.UpdateAsync(alice, service.Slug, alicesEdit, expectedVersion: null);
        Assert.Equal("Alice's name", overwritten.Name);
        Assert.Equal(alice.Name, overwritten.UpdatedBy);
    }
}
