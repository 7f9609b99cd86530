using BackendPortal.Data;
using Microsoft.AspNetCore.Authorization;

namespace BackendPortal.Security;

/// <summary>
/// Every page and endpoint names one of these. A token acts with its user's roles narrowed by
/// its scopes, so each policy asks for both a role and a scope (cookies carry every scope).
/// </summary>
public static class Policies
{
    public const string Read = "read";
    public const string WriteCatalog = "write-catalog";
    public const string Ingest = "ingest";
    public const string Admin = "admin";

    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Read, p => p.RequireRole(Roles.All).AddRequirements(new ScopeRequirement(TokenScopes.Read)))
        .AddPolicy(WriteCatalog, p => p.RequireRole(Roles.Admin, Roles.Engineer).AddRequirements(new ScopeRequirement(TokenScopes.Write)))
        .AddPolicy(Ingest, p => p.RequireRole(Roles.Admin, Roles.QA).AddRequirements(new ScopeRequirement(TokenScopes.Ingest)))
        .AddPolicy(Admin, p => p.RequireRole(Roles.Admin).AddRequirements(new ScopeRequirement(TokenScopes.Admin)));
}

public sealed record ScopeRequirement(string Scope) : IAuthorizationRequirement;

public sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var user = context.User;
        var isToken = user.HasClaim(c => c.Type == Actor.TokenIdClaim);
        if (!isToken || user.HasClaim(Actor.ScopeClaim, requirement.Scope))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
