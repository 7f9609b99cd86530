using BackendPortal.Data;
using Microsoft.AspNetCore.Identity;

namespace BackendPortal.Features.Audit;

/// <summary>Turns the outcome of each sign-in step (password, passkey, two-factor, recovery code) into an audit entry.</summary>
public sealed class SignInAuditor(AuditService audit, UserManager<ApplicationUser> users)
{
    /// <summary>Asked before a password attempt, so the attempt that starts a lockout can be told from one refused during it.</summary>
    public async Task<bool> IsLockedOutAsync(string? email) =>
        !string.IsNullOrWhiteSpace(email) && await users.FindByEmailAsync(email) is { } user && await users.IsLockedOutAsync(user);

    public async Task RecordAsync(SignInResult result, string? email, string how, bool wasLockedOut = false)
    {
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email);
        await RecordAsync(result, user, email, how, wasLockedOut);
    }

    public async Task RecordAsync(SignInResult result, ApplicationUser? user, string? attemptedName, string how, bool wasLockedOut = false)
    {
        if (result.RequiresTwoFactor)
        {
            // Half-way: the two-factor step records the outcome.
            return;
        }
        var (action, summary) = result switch
        {
            { Succeeded: true } => (AuditActions.SignInSucceeded, $"Signed in with {how}"),
            { IsLockedOut: true } when !wasLockedOut => (AuditActions.Lockout, $"Locked out after repeated failed sign-ins ({how})"),
            { IsLockedOut: true } => (AuditActions.SignInFailed, $"Sign-in with {how} refused: the account is locked out"),
            { IsNotAllowed: true } => (AuditActions.SignInFailed, $"Sign-in with {how} refused: the account may not sign in (disabled)"),
            _ when user is null => (AuditActions.SignInFailed, $"Sign-in with {how} failed: unknown account"),
            _ => (AuditActions.SignInFailed, $"Sign-in with {how} failed: wrong {how}"),
        };
        var name = user?.Email ?? (string.IsNullOrWhiteSpace(attemptedName) ? "(unknown)" : attemptedName.Trim());
        await audit.RecordAsync(action, user?.Id, name, summary, "user", user?.Id);
    }
}
