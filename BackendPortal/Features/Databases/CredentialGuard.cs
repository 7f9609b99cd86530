using System.Text.RegularExpressions;

namespace BackendPortal.Features.Databases;

/// <summary>
/// Recognises text that carries a secret: ADO.NET/ODBC keywords (Password=, Pwd=), JDBC and URL
/// query parameters (password=...), URLs with a password in their user info
/// (postgres://user:pass@host, redis://:pass@host) and Oracle's user/password@host.
/// </summary>
public static partial class CredentialGuard
{
    [GeneratedRegex(@"(?<![A-Za-z0-9])(password|passwd|pwd|pass|secret|accountkey|sharedaccesskey|access_?key|api_?key|auth_?token|access_?token)\s*=\s*[^\s;&]", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKeyword();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.\-]*://[^/\s@:]*:[^/\s@]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlWithPassword();

    [GeneratedRegex(@"^[A-Za-z0-9_$#]+/[^\s/@]+@[A-Za-z0-9]", RegexOptions.IgnoreCase)]
    private static partial Regex OracleEasyConnect();

    public static bool CarriesSecret(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && (SecretKeyword().IsMatch(text) || UrlWithPassword().IsMatch(text) || OracleEasyConnect().IsMatch(text.Trim()));

    public static string Message(string field) =>
        $"{field} looks like a connection string with a password. Store only the host or cluster name (for example orders-db.internal:5432) " +
        "and keep passwords and other secrets in the vault; the portal never stores credentials.";
}
