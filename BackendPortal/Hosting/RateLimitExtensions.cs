using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using BackendPortal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace BackendPortal.Hosting;

/// <summary>
/// Sign-in form posts per client IP, API calls per token (or user, or IP). Limits are read from
/// configuration when a partition is first made, so tests and benchmarks can raise or lower them.
/// </summary>
public static class RateLimitExtensions
{
    public const string SignInSetting = "RateLimits:SignInPerIpPerMinute";
    public const string ApiSetting = "RateLimits:ApiPerTokenPerMinute";
    public const int DefaultSignInPerMinute = 20;
    public const int DefaultApiPerMinute = 6000;

    private static readonly string[] SignInPaths = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/PasskeyRequestOptions"];

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            o.OnRejected = OnRejectedAsync;
        });

    public static WebApplication UsePortalRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Partition(HttpContext http)
    {
        var request = http.Request;
        if (HttpMethods.IsPost(request.Method) && SignInPaths.Any(p => request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
        {
            return PerMinute("signin:" + ClientIp(http), http, SignInSetting, DefaultSignInPerMinute);
        }
        if (ApiConventions.IsApiRequest(request))
        {
            var user = http.User;
            var key = user.FindFirstValue(Actor.TokenIdClaim) is { } tokenId ? "token:" + tokenId
                : user.Identity?.IsAuthenticated == true ? "user:" + user.FindFirstValue(ClaimTypes.NameIdentifier)
                : "ip:" + ClientIp(http);
            return PerMinute("api:" + key, http, ApiSetting, DefaultApiPerMinute);
        }
        return RateLimitPartition.GetNoLimiter("none");
    }

    private static RateLimitPartition<string> PerMinute(string key, HttpContext http, string setting, int fallback)
    {
        var config = http.RequestServices.GetRequiredService<IConfiguration>();
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, config.GetValue(setting, fallback)),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many requests.",
            Detail = ApiConventions.IsApiRequest(http.Request)
                ? $"This token (or client) has used its requests for this minute. Try again in {seconds} seconds."
                : $"Too many sign-in attempts from your address. Wait {seconds} seconds, then try again.",
        };
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
        {
            await http.Response.WriteAsync(problem.Detail, ct);
        }
    }
}
