using BackendPortal.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Hosting;

/// <summary>Turns service failures into RFC 9457 problem details for API callers; pages handle their own.</summary>
public sealed class PortalExceptionHandler(IProblemDetailsService problems, ILogger<PortalExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // The middleware has already pointed the request at /Error; the feature keeps the original path.
        var path = http.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? http.Request.Path;
        if (!ApiConventions.IsApiPath(path))
        {
            return false;
        }
        var problem = exception switch
        {
            ValidationFailedException v => new ValidationProblemDetails(v.Errors) { Status = v.StatusCode, Title = v.Title, Detail = v.Message },
            ConcurrencyConflictException c => new ProblemDetails
            {
                Status = c.StatusCode,
                Title = c.Title,
                Detail = c.Message + " Fetch it again (GET) and retry with its new ETag in If-Match.",
                Extensions = { ["changedBy"] = c.ChangedBy, ["changedAt"] = c.ChangedAt, ["currentETag"] = c.CurrentETag },
            },
            PortalException p => new ProblemDetails { Status = p.StatusCode, Title = p.Title, Detail = p.Message },
            BadHttpRequestException b => new ProblemDetails
            {
                Status = b.StatusCode,
                Title = b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request could not be read.",
                Detail = b.InnerException?.Message ?? b.Message,
            },
            _ => null,
        };
        if (problem is null)
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Something went wrong on the server.",
                Detail = "The error was logged. Try again; if it keeps happening, tell an admin the time of the request.",
            };
        }
        if (exception is ForbiddenException && http.User.Identity?.IsAuthenticated == true)
        {
            // Refusals by the services' own rules (owner team, last admin) are 403s too; the middleware records the rest.
            await http.RequestServices.GetRequiredService<Features.Audit.AuditService>().RecordAsync(
                Features.Audit.AuditActions.AccessDenied, Security.Actor.From(http.User),
                $"{http.Request.Method} {path} refused: {exception.Message}", "route", path, CancellationToken.None);
        }
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }
}
