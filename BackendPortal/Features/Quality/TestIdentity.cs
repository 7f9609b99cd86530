using System.Security.Cryptography;
using System.Text;

namespace BackendPortal.Features.Quality;

/// <summary>A test is (service, suite, class name, test name); this is the 64-bit key over the last three.</summary>
public static class TestIdentity
{
    public static long Key(string suite, string className, string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(suite + "\u001f" + className + "\u001f" + name), hash);
        return BitConverter.ToInt64(hash[..8]);
    }
}
