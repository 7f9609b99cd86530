using BackendPortal.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackendPortal.Hosting;

/// <summary>What every feature's API does the same way: ETags, If-Match, list shapes, CSV.</summary>
public static class ApiConventions
{
    public const long MaxJsonBodyBytes = 1024 * 1024;

    public static bool IsApiRequest(HttpRequest request) => IsApiPath(request.Path);

    /// <summary>Machine callers: status codes and problem details, never redirects or HTML. The API reference is a page.</summary>
    public static bool IsApiPath(PathString path) =>
        (path.StartsWithSegments("/api") && !path.StartsWithSegments(ApiReferenceExtensions.Path)) || path.StartsWithSegments("/openapi");

    /// <summary>Reads If-Match for a replacing PUT: missing is 428, unreadable is 400, a stale one surfaces later as 412.</summary>
    public static Guid RequireIfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new PreconditionRequiredException();
        }
        return ParseETag(header) ?? throw new ValidationFailedException(new Dictionary<string, string[]>
        {
            ["If-Match"] = ["If-Match must be the ETag from a GET of this resource, for example \"3f2a...\"."],
        });
    }

    /// <summary>If-Match is optional on DELETE; when present it must be current.</summary>
    public static Guid? OptionalIfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(header) || header.Trim() == "*" ? null : ParseETag(header) ?? Guid.Empty;
    }

    private static Guid? ParseETag(string header)
    {
        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }
        value = value.Trim('"');
        return Guid.TryParseExact(value, "N", out var g) ? g : null;
    }

    public static void SetETag(HttpResponse response, string etag) => response.Headers.ETag = etag;

    public static PushStreamHttpResult Csv(string fileName, Func<TextWriter, CancellationToken, Task> write) =>
        TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
            await write(writer, CancellationToken.None);
        }, "text/csv; charset=utf-8", fileName);
}

public sealed class PreconditionRequiredException() : PortalException(
    "This request replaces the resource, so it needs an If-Match header with the ETag from your last GET; that way nobody's change is silently overwritten.")
{
    public override int StatusCode => StatusCodes.Status428PreconditionRequired;
    public override string Title => "If-Match is required.";
}
