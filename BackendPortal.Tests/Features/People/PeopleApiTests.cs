using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackendPortal.Data;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Teams;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.People;

public sealed class PeopleApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        if ((int)status >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    private static HttpRequestMessage Put(string url, object body, string? etag = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }
        return request;
    }

    [Fact]
    public async Task Every_fresh_database_has_the_reference_skills_and_four_levels_with_rising_expectations()
    {
        var viewer = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.ClientAsync(viewer, "read");

        var skills = await JsonAsync(await client.GetAsync("/api/v1/skills"), HttpStatusCode.OK);
        var slugs = skills.EnumerateArray().Select(s => s.GetProperty("slug").GetString()!).ToHashSet();
        string[] expected = ["java", "python", "ruby", "csharp", "go", "javascript", "sql", "postgresql", "sqlserver", "mysql", "rest-apis",
            "graphql", "grpc", "openapi", "unit-testing", "integration-testing", "load-testing", "debugging", "security"];
        Assert.Subset(slugs, expected.ToHashSet());

        var levels = await JsonAsync(await client.GetAsync("/api/v1/levels"), HttpStatusCode.OK);
        Assert.Equal(["junior", "intermediate", "senior", "staff"], levels.EnumerateArray().Select(l => l.GetProperty("level").GetString()));
        int Sql(JsonElement level) => level.GetProperty("expectations").EnumerateArray().Single(e => e.GetProperty("skill").GetString() == "sql").GetProperty("minimum").GetInt32();
        var sql = levels.EnumerateArray().Select(Sql).ToList();
        Assert.Equal(sql.Order(), sql);
        Assert.True(sql[^1] > sql[0]);

        // Seeding again (the next start) adds nothing.
        await Hosting.PortalStartup.PrepareDatabaseAsync(factory.Services);
        Assert.Equal(expected.Length, await factory.WithDbAsync(db => db.Skills.CountAsync(s => expected.Contains(s.Slug))));
        Assert.Equal(4, await factory.WithDbAsync(db => db.RoleLevels.CountAsync()));
    }

    [Fact]
    public async Task Admins_add_skills_a_duplicate_is_409_and_others_are_refused()
    {
        var admin = await factory.ClientAsync(await factory.CreateUserAsync(Roles.Admin), "read,write,admin");
        var engineer = await factory.ClientAsync(await factory.CreateUserAsync(Roles.Engineer));
        var slug = PortalFactory.Unique("kotlin");

        var created = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/skills", new { slug, name = "Kotlin", category = "Languages" }), HttpStatusCode.Created);
        Assert.Equal("Languages", created.GetProperty("category").GetString());
        var duplicate = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/skills", new { slug = slug.ToUpperInvariant(), name = "Kotlin", category = "Languages" }), HttpStatusCode.Conflict);
        Assert.Contains("already exists", duplicate.GetProperty("detail").GetString());
        var invalid = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/skills", new { slug = "no spaces", name = "", category = "" }), HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("category", out _));
        await JsonAsync(await engineer.PostAsJsonAsync("/api/v1/skills", new { slug = "x1", name = "X", category = "Languages" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_person_rates_their_own_skills_bad_input_names_the_problem_and_changes_nothing()
    {
        var user = await factory.CreateUserAsync(Roles.Viewer);
        var client = await factory.ClientAsync(user);
        var url = $"/api/v1/people/{user.PersonSlug}/skills";

        var saved = await JsonAsync(await client.SendAsync(Put(url, new[] { new { skill = "java", level = 3 }, new { skill = "SQL", level = 2 } })), HttpStatusCode.OK);
        Assert.Equal(2, saved.GetArrayLength());
        Assert.Contains(saved.EnumerateArray(), r => r.GetProperty("skill").GetString() == "java" && r.GetProperty("level").GetInt32() == 3 && r.GetProperty("levelName").GetString() == "strong");

        var unknown = await JsonAsync(await client.SendAsync(Put(url, new[] { new { skill = "cobol-9000", level = 1 } })), HttpStatusCode.BadRequest);
        Assert.Contains("cobol-9000", unknown.GetRawText());
        var outside = await JsonAsync(await client.SendAsync(Put(url, new[] { new { skill = "go", level = 5 } })), HttpStatusCode.BadRequest);
        Assert.Contains("'go'", outside.GetRawText());
        Assert.Contains("0 to 4", outside.GetRawText());
        var negative = await JsonAsync(await client.SendAsync(Put(url, new[] { new { skill = "go", level = -1 } })), HttpStatusCode.BadRequest);
        Assert.Contains("-1", negative.GetRawText());

        var get = await client.GetAsync(url);
        var after = await JsonAsync(get, HttpStatusCode.OK);
        Assert.Equal(2, after.GetArrayLength());

        // Replacing the set drops what is not sent; a stale If-Match is refused.
        var etag = get.Headers.ETag!.ToString();
        await JsonAsync(await client.SendAsync(Put(url, new[] { new { skill = "java", level = 4 } }, etag)), HttpStatusCode.OK);
        await JsonAsync(await client.SendAsync(Put(url, new[] { new { skill = "java", level = 1 } }, etag)), HttpStatusCode.PreconditionFailed);
        var final = await JsonAsync(await client.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(4, final.EnumerateArray().Single().GetProperty("level").GetInt32());

        var audited = await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "person-skills" && e.EntityKey == user.PersonSlug && e.Action == AuditActions.EntityUpdated));
        Assert.Equal(2, audited);
    }

    [Fact]
    public async Task Only_the_person_and_admins_rate_leads_endorse_and_a_changed_rating_loses_its_endorsement()
    {
        var team = await factory.CreateTeamAsync();
        var member = await factory.CreateUserAsync(Roles.Engineer);
        var lead = await factory.CreateUserAsync(Roles.Engineer);
        var outsider = await factory.CreateUserAsync(Roles.Engineer);
        var admin = await factory.CreateUserAsync(Roles.Admin);
        await factory.AddMemberAsync(team.Slug, member);
        await factory.AddMemberAsync(team.Slug, lead, TeamRole.Lead);
        var memberClient = await factory.ClientAsync(member);
        var leadClient = await factory.ClientAsync(lead);
        var url = $"/api/v1/people/{member.PersonSlug}/skills";

        await JsonAsync(await memberClient.SendAsync(Put(url, new[] { new { skill = "java", level = 3 }, new { skill = "go", level = 2 } })), HttpStatusCode.OK);
        await JsonAsync(await leadClient.SendAsync(Put(url, new[] { new { skill = "java", level = 4 } })), HttpStatusCode.Forbidden);
        await JsonAsync(await (await factory.ClientAsync(outsider)).SendAsync(Put(url, new[] { new { skill = "java", level = 4 } })), HttpStatusCode.Forbidden);
        await JsonAsync(await (await factory.ClientAsync(member, "read")).SendAsync(Put(url, new[] { new { skill = "java", level = 4 } })), HttpStatusCode.Forbidden);

        var endorsed = await JsonAsync(await leadClient.PutAsync($"{url}/java/endorsement", null), HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(endorsed.GetProperty("endorsedBy").GetString()));
        await JsonAsync(await leadClient.PutAsync($"{url}/go/endorsement", null), HttpStatusCode.OK);
        await JsonAsync(await memberClient.PutAsync($"{url}/java/endorsement", null), HttpStatusCode.Forbidden);
        await JsonAsync(await (await factory.ClientAsync(outsider)).PutAsync($"{url}/java/endorsement", null), HttpStatusCode.Forbidden);
        await JsonAsync(await leadClient.PutAsync($"{url}/python/endorsement", null), HttpStatusCode.NotFound);

        // java changes (endorsement cleared), go stays (endorsement kept).
        var after = await JsonAsync(await memberClient.SendAsync(Put(url, new[] { new { skill = "java", level = 4 }, new { skill = "go", level = 2 } })), HttpStatusCode.OK);
        var java = after.EnumerateArray().Single(r => r.GetProperty("skill").GetString() == "java");
        var go = after.EnumerateArray().Single(r => r.GetProperty("skill").GetString() == "go");
        Assert.Equal(JsonValueKind.Null, java.GetProperty("endorsedBy").ValueKind);
        Assert.Equal(JsonValueKind.String, go.GetProperty("endorsedBy").ValueKind);

        await JsonAsync(await (await factory.ClientAsync(admin, "read,write,admin")).SendAsync(Put(url, new[] { new { skill = "java", level = 1 } })), HttpStatusCode.OK);
        var withdrawn = await JsonAsync(await (await factory.ClientAsync(admin, "read,write,admin")).PutAsync($"{url}/java/endorsement", null), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.String, withdrawn.GetProperty("endorsedBy").ValueKind);
        var removed = await JsonAsync(await leadClient.DeleteAsync($"{url}/java/endorsement"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, removed.GetProperty("endorsedBy").ValueKind);
    }

    [Fact]
    public async Task The_gap_lists_what_is_below_the_level_with_required_and_actual()
    {
        var user = await factory.CreateUserAsync(Roles.Engineer);
        var client = await factory.ClientAsync(user);
        await factory.RateAsync(user.PersonSlug, ("sql", 3), ("rest-apis", 1), ("debugging", 4));

        var gap = await JsonAsync(await client.GetAsync($"/api/v1/people/{user.PersonSlug}/gap?level=senior"), HttpStatusCode.OK);
        Assert.Equal("senior", gap.GetProperty("level").GetString());
        var missing = gap.GetProperty("missing").EnumerateArray().ToDictionary(m => m.GetProperty("skill").GetString()!, m => (m.GetProperty("required").GetInt32(), m.GetProperty("actual").GetInt32()));
        Assert.False(missing.ContainsKey("sql"));
        Assert.False(missing.ContainsKey("debugging"));
        Assert.Equal((3, 1), missing["rest-apis"]);
        Assert.Equal((3, 0), missing["unit-testing"]);

        // No level set and none asked: junior.
        var junior = await JsonAsync(await client.GetAsync($"/api/v1/people/{user.PersonSlug}/gap"), HttpStatusCode.OK);
        Assert.Equal("junior", junior.GetProperty("level").GetString());
        var bad = await JsonAsync(await client.GetAsync($"/api/v1/people/{user.PersonSlug}/gap?level=principal"), HttpStatusCode.BadRequest);
        Assert.Contains("principal", bad.GetRawText());
        await JsonAsync(await client.GetAsync("/api/v1/people/nobody-at-all/gap"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Leads_create_people_in_their_teams_change_levels_and_people_cannot_promote_themselves()
    {
        var team = await factory.CreateTeamAsync();
        var other = await factory.CreateTeamAsync();
        var lead = await factory.CreateUserAsync(Roles.Engineer);
        await factory.AddMemberAsync(team.Slug, lead, TeamRole.Lead);
        var leadClient = await factory.ClientAsync(lead);
        var slug = PortalFactory.Unique("new-hire");

        var created = await JsonAsync(await leadClient.PostAsJsonAsync("/api/v1/people", new { slug, name = "New Hire", teams = new[] { team.Slug }, level = "junior", title = "Backend engineer" }), HttpStatusCode.Created);
        Assert.Equal("junior", created.GetProperty("level").GetString());
        Assert.Equal(team.Slug, created.GetProperty("teams")[0].GetProperty("team").GetString());
        await JsonAsync(await leadClient.PostAsJsonAsync("/api/v1/people", new { slug = slug.ToUpperInvariant(), name = "Dup", teams = new[] { team.Slug }, level = "junior" }), HttpStatusCode.Conflict);
        await JsonAsync(await leadClient.PostAsJsonAsync("/api/v1/people", new { slug = PortalFactory.Unique("p"), name = "Elsewhere", teams = new[] { other.Slug }, level = "junior" }), HttpStatusCode.Forbidden);
        var invalid = await JsonAsync(await leadClient.PostAsJsonAsync("/api/v1/people", new { slug = PortalFactory.Unique("p"), name = "X", teams = new[] { "no-such-team" }, level = "principal" }), HttpStatusCode.BadRequest);
        Assert.Contains("no-such-team", invalid.GetRawText());
        Assert.Contains("principal", invalid.GetRawText());

        var get = await leadClient.GetAsync($"/api/v1/people/{slug}");
        var person = (await get.Content.ReadFromJsonAsync<PersonDetails>())!;
        var input = PersonInput.From(person);
        input.Level = "intermediate";
        await JsonAsync(await leadClient.SendAsync(Put($"/api/v1/people/{slug}", input)), HttpStatusCode.PreconditionRequired);
        var promoted = await JsonAsync(await leadClient.SendAsync(Put($"/api/v1/people/{slug}", input, get.Headers.ETag!.ToString())), HttpStatusCode.OK);
        Assert.Equal("intermediate", promoted.GetProperty("level").GetString());
        await JsonAsync(await leadClient.SendAsync(Put($"/api/v1/people/{slug}", input, get.Headers.ETag!.ToString())), HttpStatusCode.PreconditionFailed);

        // The lead's own profile: title yes, level no.
        var self = await leadClient.GetAsync($"/api/v1/people/{lead.PersonSlug}");
        var mine = PersonInput.From((await self.Content.ReadFromJsonAsync<PersonDetails>())!);
        mine.Title = "Tech lead";
        var selfSaved = await leadClient.SendAsync(Put($"/api/v1/people/{lead.PersonSlug}", mine, self.Headers.ETag!.ToString()));
        var selfJson = await JsonAsync(selfSaved, HttpStatusCode.OK);
        Assert.Equal("Tech lead", selfJson.GetProperty("title").GetString());
        mine.Level = "staff";
        await JsonAsync(await leadClient.SendAsync(Put($"/api/v1/people/{lead.PersonSlug}", mine, selfSaved.Headers.ETag!.ToString())), HttpStatusCode.Forbidden);

        // Removing the person from a team the lead does not lead is refused.
        await factory.JoinAsync(other.Slug, slug);
        var fresh = await leadClient.GetAsync($"/api/v1/people/{slug}");
        var withOther = PersonInput.From((await fresh.Content.ReadFromJsonAsync<PersonDetails>())!);
        withOther.Teams = [team.Slug];
        await JsonAsync(await leadClient.SendAsync(Put($"/api/v1/people/{slug}", withOther, fresh.Headers.ETag!.ToString())), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_list_filters_by_team_level_and_skill_and_pages_with_a_cursor()
    {
        var team = await factory.CreateTeamAsync();
        var a = await factory.CreatePersonAsync(team.Slug, "senior");
        var b = await factory.CreatePersonAsync(team.Slug, "junior");
        var c = await factory.CreatePersonAsync(team.Slug, "senior");
        await factory.RateAsync(a.Slug, ("python", 4));
        await factory.RateAsync(b.Slug, ("python", 1));
        var client = await factory.ClientAsync(await factory.CreateUserAsync(Roles.Viewer), "read");

        var byTeam = await JsonAsync(await client.GetAsync($"/api/v1/people?team={team.Slug}&limit=2"), HttpStatusCode.OK);
        Assert.Equal(3, byTeam.GetProperty("total").GetInt32());
        Assert.Equal(2, byTeam.GetProperty("items").GetArrayLength());
        var next = await JsonAsync(await client.GetAsync($"/api/v1/people?team={team.Slug}&limit=2&cursor={byTeam.GetProperty("nextCursor").GetString()}"), HttpStatusCode.OK);
        Assert.Equal(1, next.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, next.GetProperty("nextCursor").ValueKind);

        var seniors = await JsonAsync(await client.GetAsync($"/api/v1/people?team={team.Slug}&level=senior"), HttpStatusCode.OK);
        Assert.Equal(new[] { a.Slug, c.Slug }.Order(StringComparer.Ordinal), seniors.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("slug").GetString()).Order(StringComparer.Ordinal));
        var knows = await JsonAsync(await client.GetAsync($"/api/v1/people?team={team.Slug}&skill=python"), HttpStatusCode.OK);
        Assert.Equal(a.Slug, knows.GetProperty("items").EnumerateArray().Single().GetProperty("slug").GetString());
        var learning = await JsonAsync(await client.GetAsync($"/api/v1/people?team={team.Slug}&skill=python&minLevel=1"), HttpStatusCode.OK);
        Assert.Equal(2, learning.GetProperty("total").GetInt32());

        await JsonAsync(await client.GetAsync("/api/v1/people?skill=no-such-skill"), HttpStatusCode.BadRequest);
        await JsonAsync(await client.GetAsync("/api/v1/people?skill=python&minLevel=9"), HttpStatusCode.BadRequest);
        await JsonAsync(await client.GetAsync("/api/v1/people?level=boss"), HttpStatusCode.BadRequest);
        var csv = await client.GetStringAsync($"/api/v1/people/export.csv?team={team.Slug}");
        Assert.StartsWith("slug,name,title,email,level,teams", csv);
        Assert.Contains(a.Slug, csv);
    }

    [Fact]
    public async Task Levels_are_edited_by_admins_with_if_match_and_unknown_skills_are_refused()
    {
        var admin = await factory.ClientAsync(await factory.CreateUserAsync(Roles.Admin), "read,write,admin");
        var get = await admin.GetAsync("/api/v1/levels/junior");
        var level = (await get.Content.ReadFromJsonAsync<LevelDetails>())!;
        var input = LevelInput.From(level);
        input.Expectations!.Add(new LevelExpectationInput { Skill = "go", Minimum = 1 });

        var bad = LevelInput.From(level);
        bad.Expectations!.Add(new LevelExpectationInput { Skill = "basic", Minimum = 1 });
        var refused = await JsonAsync(await admin.SendAsync(Put("/api/v1/levels/junior", bad, get.Headers.ETag!.ToString())), HttpStatusCode.BadRequest);
        Assert.Contains("basic", refused.GetRawText());

        var saved = await JsonAsync(await admin.SendAsync(Put("/api/v1/levels/junior", input, get.Headers.ETag!.ToString())), HttpStatusCode.OK);
        Assert.Contains(saved.GetProperty("expectations").EnumerateArray(), e => e.GetProperty("skill").GetString() == "go");
        await JsonAsync(await admin.SendAsync(Put("/api/v1/levels/junior", input, get.Headers.ETag!.ToString())), HttpStatusCode.PreconditionFailed);
        await JsonAsync(await admin.GetAsync("/api/v1/levels/principal"), HttpStatusCode.NotFound);
    }
}
