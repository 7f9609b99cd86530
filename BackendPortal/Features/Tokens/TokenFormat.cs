using System.Security.Cryptography;
using System.Text;

namespace BackendPortal.Features.Tokens;

/// <summary>
/// <c>bp_&lt;30 base62&gt;_&lt;6 base62 CRC32&gt;</c>: only letters, digits and '_' so it survives
/// copy-paste and shell quoting; the checksum lets a secret scanner or the server reject typos
/// without a database lookup.
/// </summary>
public static class TokenFormat
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int SecretLength = 30;
    public const int PrefixLength = 8;

    public static string NewToken() => Compose("bp_", RandomBase62(SecretLength));

    public static string RandomBase62(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return new string(chars);
    }

    private static string Compose(string kind, string secret) => $"{kind}{secret}_{Checksum(secret)}";

    public static bool IsWellFormed(string token)
    {
        if (!token.StartsWith("bp_", StringComparison.Ordinal) || token.Length != 3 + SecretLength + 1 + 6)
        {
            return false;
        }
        var secret = token.Substring(3, SecretLength);
        return token[3 + SecretLength] == '_'
            && secret.All(c => Alphabet.Contains(c))
            && token[(3 + SecretLength + 1)..] == Checksum(secret);
    }

    /// <summary>The lookup prefix stored in clear beside the hash: too short to be useful alone.</summary>
    public static string Prefix(string token) => token.Substring(3, PrefixLength);

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Checksum(string secret)
    {
        var crc = BitConverter.ToUInt32(SHA256.HashData(Encoding.ASCII.GetBytes(secret)), 0);
        var chars = new char[6];
        for (var i = 5; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(crc % 62)];
            crc /= 62;
        }
        return new string(chars);
    }
}
