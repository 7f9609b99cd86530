using System.Buffers.Binary;
using System.Security.Cryptography;
using BackendPortal.Data;
using Microsoft.AspNetCore.Identity;

namespace BackendPortal.Security;

/// <summary>
/// Authenticator-app codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) that work once: the
/// accepted step is stored on the user and any step at or before it is refused, so a code seen over
/// a shoulder or replayed from a proxy log is worthless. Clock drift of one step either way is allowed.
/// </summary>
public sealed class TotpAuthenticatorTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public const int Digits = 6;
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>The code comes from the user's app, never from the server.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user) =>
        Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || !int.TryParse(token, System.Globalization.NumberStyles.None, null, out var code) || token.Length != Digits)
        {
            return false;
        }
        var secret = Base32Decode(key);
        var now = TimeStep(clock.GetUtcNow());
        for (var offset = -1; offset <= 1; offset++)
        {
            var step = now + offset;
            if (Compute(secret, step) != code)
            {
                continue;
            }
            if (user.LastTotpTimeStep is { } last && step <= last)
            {
                return false;
            }
            user.LastTotpTimeStep = step;
            // The store checks the concurrency stamp, so two requests racing with the same code cannot both win.
            return (await manager.UpdateAsync(user)).Succeeded;
        }
        return false;
    }

    public static long TimeStep(DateTimeOffset at) => at.ToUnixTimeSeconds() / (long)Step.TotalSeconds;

    /// <summary>RFC 4226 HOTP over the time step (RFC 6238).</summary>
    public static int Compute(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(secret, counter, hash);
        var offset = hash[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7FFF_FFFF;
        return binary % 1_000_000;
    }

    public static string Code(string base32Key, DateTimeOffset at) =>
        Compute(Base32Decode(base32Key), TimeStep(at)).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>RFC 4648 base32, ignoring spaces, case and padding (keys are shown in groups of four).</summary>
    public static byte[] Base32Decode(string input)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>(input.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in input)
        {
            if (c is ' ' or '=' or '-')
            {
                continue;
            }
            var value = alphabet.IndexOf(char.ToUpperInvariant(c));
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not a base32 character.");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. bytes];
    }
}
