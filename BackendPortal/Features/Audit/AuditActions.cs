namespace BackendPortal.Features.Audit;

/// <summary>The action codes an audit entry can carry. docs/audit-actions.md lists them for operators.</summary>
public static class AuditActions
{
    public const string SignInSucceeded = "auth.signin.succeeded";
    public const string SignInFailed = "auth.signin.failed";
    public const string Lockout = "auth.lockout";
    public const string SignOut = "auth.signout";
    public const string PasswordChanged = "auth.password.changed";
    public const string TwoFactorChanged = "auth.2fa.changed";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
    public const string TokenUsedAfterRevoke = "token.used_after_revoke";
    public const string AccessDenied = "access.denied";
    public const string UserCreated = "user.created";
    public const string UserUpdated = "user.updated";
    public const string EntityCreated = "entity.created";
    public const string EntityUpdated = "entity.updated";
    public const string EntityDeleted = "entity.deleted";
    public const string CatalogImported = "catalog.imported";

    /// <summary>Every code with what it means, in the order the filter offers them.</summary>
    public static readonly IReadOnlyList<(string Code, string Meaning)> All =
    [
        (SignInSucceeded, "A user signed in (password, passkey, two-factor or recovery code step completed)."),
        (SignInFailed, "A sign-in attempt failed: wrong password, unknown e-mail, wrong two-factor or recovery code, or a locked or disabled account."),
        (Lockout, "Repeated failures locked the account."),
        (SignOut, "A user signed out."),
        (PasswordChanged, "A user changed or set their password."),
        (TwoFactorChanged, "Two-factor authentication was enabled, disabled or reset, or recovery codes were regenerated."),
        (TokenCreated, "An API token was created (the token itself is never recorded)."),
        (TokenRevoked, "An API token was revoked."),
        (TokenUsedAfterRevoke, "A revoked token was presented to the API (at most one entry per token and minute)."),
        (AccessDenied, "A signed-in user or token was refused (HTTP 403 or the \"no access\" page)."),
        (UserCreated, "A user account was created."),
        (UserUpdated, "An admin changed a user: roles, lock, disable, 2FA reset, sign out everywhere."),
        (EntityCreated, "Catalog data was created; After holds the new record."),
        (EntityUpdated, "Catalog data was changed; Before and After hold the record on each side of the change."),
        (EntityDeleted, "Catalog data was deleted; Before holds the removed record."),
        (CatalogImported, "A Backstage catalog file was imported; the summary counts what was created, updated, unchanged and skipped."),
    ];

    public static bool IsKnown(string code) => All.Any(a => a.Code == code);
}
