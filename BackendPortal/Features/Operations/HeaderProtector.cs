using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace BackendPortal.Features.Operations;

/// <summary>
/// Health-check header values at rest: each value is protected with ASP.NET Core Data Protection
/// under its own purpose and stored as "dp1:" + payload; names stay readable so pages can list them.
/// A value without the prefix is a plain one stored before protection existed: it still works and is
/// protected on the check's next save or when the prober starts (docs/decisions/0010).
/// </summary>
public sealed class HeaderProtector(IDataProtectionProvider provider)
{
    public const string Purpose = "BackendPortal.Operations.HealthCheckHeaders.v1";
    private const string Prefix = "dp1:";

    private readonly IDataProtector protector = provider.CreateProtector(Purpose);

    public static bool IsProtected(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    public string Protect(string value) => Prefix + protector.Protect(value);

    /// <summary>The plain value; null when it cannot be read (the key ring lost the key it was protected with).</summary>
    public string? Unprotect(string stored)
    {
        if (!IsProtected(stored))
        {
            return stored;
        }
        try
        {
            return protector.Unprotect(stored[Prefix.Length..]);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Stored name → stored value, as kept in the HeadersJson column.</summary>
    public static Dictionary<string, string> ReadStored(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    /// <summary>The column's text with every value protected (legacy plain values included).</summary>
    public string? ProtectAll(IReadOnlyDictionary<string, string> stored) =>
        stored.Count == 0 ? null : JsonSerializer.Serialize(stored.ToDictionary(h => h.Key, h => IsProtected(h.Value) ? h.Value : Protect(h.Value)));
}
