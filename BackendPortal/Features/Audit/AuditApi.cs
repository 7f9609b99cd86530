using System.Globalization;
using BackendPortal.Data;
using BackendPortal.Hosting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BackendPortal.Features.Audit;

/// <summary>Read-only by design: the audit log has no route that changes or removes an entry.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.Admin);

        group.MapGet("/", List)
            .WithSummary("List audit entries, newest first")
            .WithDescription("Keyset-paged by id. actor matches a user id or part of a name; action, entityType and entityKey match exactly; " +
                "since (inclusive) and until (exclusive) are ISO 8601 times, UTC unless they carry an offset.");
        group.MapGet("/export.csv", ExportCsv).WithSummary("Export audit entries matching the filter as CSV");
        return api;
    }

    private static async Task<Ok<Page<AuditEntryDetails>>> List(
        AuditService audit, string? actor, string? action, string? entityType, string? entityKey, string? since, string? until,
        int? limit, string? cursor, CancellationToken ct)
    {
        var filter = Filter(actor, action, entityType, entityKey, since, until);
        var page = PageRequest.Parse(limit, cursor);
        return TypedResults.Ok(await audit.ListAsync(filter, page, ct));
    }

    private static PushStreamHttpResult ExportCsv(
        AuditService audit, string? actor, string? action, string? entityType, string? entityKey, string? since, string? until)
    {
        var filter = Filter(actor, action, entityType, entityKey, since, until);
        return ApiConventions.Csv("audit.csv", (w, ct) => audit.WriteCsvAsync(filter, w, ct));
    }

    private static AuditFilter Filter(string? actor, string? action, string? entityType, string? entityKey, string? since, string? until)
    {
        var errors = new ValidationErrors();
        var from = ParseTime(errors, "since", since);
        var to = ParseTime(errors, "until", until);
        if (!string.IsNullOrWhiteSpace(action) && !AuditActions.IsKnown(action.Trim().ToLowerInvariant()))
        {
            errors.Add("action", $"'{action}' is not an audit action; see docs/audit-actions.md for the list.");
        }
        errors.ThrowIfAny();
        return new AuditFilter(actor, action, entityType, entityKey, from, to);
    }

    private static DateTime? ParseTime(ValidationErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed.UtcDateTime;
        }
        errors.Add(field, $"{field} must be an ISO 8601 date or time, for example 2026-11-28 or 2026-11-28T09:30:00Z.");
        return null;
    }
}
