using BackendPortal.Features.Catalog;
using BackendPortal.Infrastructure;
using BackendPortal.Security;

namespace BackendPortal.Features.People;

/// <summary>
/// What the Backstage import does to a person's title and level: the User format (spec.profile: displayName,
/// email, picture) has no job title and no level, so the import sets neither and keeps what the portal holds.
/// </summary>
public sealed class BackstagePeopleImportTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private Task<ImportOutcome> ImportAsync(string yaml) =>
        factory.WithServiceAsync<BackstageImportService, ImportOutcome>(s => s.ImportAsync(Actor.System, yaml, dryRun: false));

    private static string User(string name, string displayName, string email) => $"""
        apiVersion: backstage.io/v1alpha1
        kind: User
        metadata:
          name: {name}
          title: {displayName} (display)
          description: Staff engineer, payments
          annotations:
            microsoft.com/email: {email}
        spec:
          profile:
            displayName: {displayName}
            email: {email}
            picture: https://example.com/{name}.png
          memberOf: []
        """;

    [Fact]
    public async Task A_user_gets_name_and_email_from_the_profile_and_no_invented_title_or_level()
    {
        var name = PortalFactory.Unique("jdoe");
        var outcome = await ImportAsync(User(name, "Jenny Doe", $"{name}@example.com"));
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors.Select(e => e.Message)));

        var person = await factory.WithServiceAsync<PeopleService, PersonDetails>(s => s.GetAsync(name));
        Assert.Equal("Jenny Doe", person.Name);
        Assert.Equal($"{name}@example.com", person.Email);
        Assert.Null(person.Title);
        Assert.Null(person.Level);
    }

    [Fact]
    public async Task A_reimport_keeps_the_title_and_level_set_in_the_portal()
    {
        var name = PortalFactory.Unique("jroe");
        Assert.True((await ImportAsync(User(name, "Jenny Roe", $"{name}@example.com"))).Succeeded);
        var person = await factory.WithServiceAsync<PeopleService, PersonDetails>(s => s.GetAsync(name));
        var input = PersonInput.From(person);
        input.Title = "Backend engineer";
        input.Level = "senior";
        await factory.WithServiceAsync<PeopleService, PersonDetails>(s => s.UpdateAsync(Actor.System, name, input, person.Version));

        Assert.True((await ImportAsync(User(name, "Jenny Roe-Smith", $"{name}@example.org"))).Succeeded);

        var after = await factory.WithServiceAsync<PeopleService, PersonDetails>(s => s.GetAsync(name));
        Assert.Equal("Jenny Roe-Smith", after.Name);
        Assert.Equal($"{name}@example.org", after.Email);
        Assert.Equal("Backend engineer", after.Title);
        Assert.Equal("senior", after.Level);
    }
}
