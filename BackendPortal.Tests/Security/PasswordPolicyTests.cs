using BackendPortal.Data;
using BackendPortal.Infrastructure;

namespace BackendPortal.Security;

public sealed class PasswordPolicyTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public void The_list_holds_at_least_ten_thousand_passwords()
    {
        Assert.True(CommonPasswordValidator.Count >= 10_000, $"{CommonPasswordValidator.Count} passwords");
        Assert.True(CommonPasswordValidator.IsCommon("password"));
        Assert.False(CommonPasswordValidator.IsCommon("correct horse battery staple"));
    }

    [Theory]
    [InlineData("qwerty123456")]
    [InlineData("QWERTY123456")]
    [InlineData("1qaz2wsx3edc")]
    public async Task A_common_password_is_refused_with_a_clear_message(string password)
    {
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            factory.CreateAccountAsync(PortalFactory.Unique("common") + "@example.com", password, Roles.Viewer));
        Assert.Contains(CommonPasswordValidator.CommonMessage, error.Errors["password"]);
    }

    [Fact]
    public async Task The_email_as_password_is_refused()
    {
        var email = PortalFactory.Unique("self") + "@example.com";
        var error = await Assert.ThrowsAnyAsync<PortalException>(() => factory.CreateAccountAsync(email, email.ToUpperInvariant(), Roles.Viewer));
        Assert.Contains(CommonPasswordValidator.PersonalMessage, error.Message + string.Join(" ", (error as ValidationFailedException)?.Errors.SelectMany(e => e.Value) ?? []));
    }
}
