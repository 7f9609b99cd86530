using System.Net;
using BackendPortal.Data;
using BackendPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Security;

public sealed class AdminTwoFactorFactory : PortalFactory
{
    public AdminTwoFactorFactory() => WithSetting(AdminTwoFactorRequirement.Setting, "true");
}

public sealed class AdminTwoFactorTests(AdminTwoFactorFactory factory) : IClassFixture<AdminTwoFactorFactory>
{
    [Fact]
    public async Task An_admin_without_2fa_is_sent_to_set_it_up_from_every_page_but_the_account_pages()
    {
        var admin = await factory.CreateUserAsync(Roles.Admin);
        var client = await factory.SignInAsync(admin);

        foreach (var page in new[] { "/", "/services", "/teams" })
        {
            var response = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(AdminTwoFactorRequirement.SetupUrl, response.Headers.Location?.OriginalString);
        }

        var setup = await client.GetAsync(AdminTwoFactorRequirement.SetupUrl);
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        Assert.Contains("Admins must use two-factor sign-in", await setup.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Manage")).StatusCode);

        // Tokens are for automation; the API answers them as before.
        var api = factory.BearerClient(await factory.CreateTokenAsync(admin, "read"));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/services")).StatusCode);
    }

    [Fact]
    public async Task An_admin_with_2fa_and_other_roles_are_not_redirected()
    {
        var viewer = await factory.CreateUserAsync(Roles.Engineer);
        Assert.Equal(HttpStatusCode.OK, (await (await factory.SignInAsync(viewer)).GetAsync("/")).StatusCode);

        var admin = await factory.CreateUserAsync(Roles.Admin);
        var client = await factory.SignInAsync(admin);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
        await factory.WithDbAsync(db => db.Users.Where(u => u.Id == admin.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }
}

/// <summary>Outside Production the rule is off unless configured (PortalFactory runs as "Testing").</summary>
public sealed class AdminTwoFactorDefaultTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Outside_production_an_admin_without_2fa_is_not_redirected_by_default()
    {
        var client = await factory.SignInAsync(await factory.CreateUserAsync(Roles.Admin));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }
}
