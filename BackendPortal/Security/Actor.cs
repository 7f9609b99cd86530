using System.Security.Claims;
using BackendPortal.Data;

namespace BackendPortal.Security;

/// <summary>
/// Who is calling a service: a signed-in browser user or a token. Services take this instead of
/// an HttpContext because interactive components have none.
/// </summary>
public sealed record Actor(string UserId, string Name, IReadOnlySet<string> Roles, IReadOnlySet<string>? Scopes)
{
    public const string ScopeClaim = "bp:scope";
    public const string TokenIdClaim = "bp:token";

    public bool IsAdmin => Roles.Contains(Data.Roles.Admin) && HasScope(TokenScopes.Admin);
    public bool IsTokenCaller => Scopes is not null;

    public bool HasScope(string scope) => Scopes is null || Scopes.Contains(scope);

    public bool IsInAnyRole(params string[] roles) => roles.Any(Roles.Contains);

    public bool CanWriteCatalog => IsInAnyRole(Data.Roles.Admin, Data.Roles.Engineer) && HasScope(TokenScopes.Write);

    public static Actor From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            throw new ForbiddenException("Sign in first.");
        }
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var name = principal.FindFirstValue(ClaimTypes.Name) ?? principal.Identity.Name ?? id;
        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var isToken = principal.HasClaim(c => c.Type == TokenIdClaim);
        IReadOnlySet<string>? scopes = isToken
            ? principal.FindAll(ScopeClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal)
            : null;
        return new Actor(id, name, roles, scopes);
    }

    /// <summary>For the CLI, demo seeding and startup work: acts as the system with every right.</summary>
    public static Actor System { get; } = new("system", "system", new HashSet<string> { Data.Roles.Admin }, null);
}

public static class TokenScopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Ingest = "ingest";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Write, Ingest, Admin];
}
