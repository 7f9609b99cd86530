using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace BackendPortal.Features.Apis.Spec;

/// <summary>
/// An uploaded document as UTF-8 bytes in a buffer rented from the shared array pool: read once from the request,
/// then probed, parsed and gzip'd from the same bytes. A multi-MB body as a string and its UTF-8 copies were
/// large-object-heap garbage on every upload (and a gen2 collection to clear it). A leading UTF-8 BOM is dropped, and
/// bytes that are not valid UTF-8 are replaced by U+FFFD, as decoding the body to a string did. Dispose returns the buffer.
/// </summary>
public sealed class SpecBytes : IDisposable
{
    private const int ChunkBytes = 81920;

    private byte[]? buffer;
    private int start;
    private int length;

    private SpecBytes(byte[] buffer, int length)
    {
        this.buffer = buffer;
        this.length = length;
        if (Span.StartsWith(Encoding.UTF8.Preamble))
        {
            start = Encoding.UTF8.Preamble.Length;
            this.length -= start;
        }
        if (!Utf8.IsValid(Span))
        {
            Repair();
        }
    }

    /// <summary>The document's bytes (without a BOM); valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Span => (buffer ?? throw new ObjectDisposedException(nameof(SpecBytes))).AsSpan(start, length);

    public int Length => length;

    /// <summary>A read-only stream over the bytes (no copy).</summary>
    public MemoryStream OpenRead() =>
        new(buffer ?? throw new ObjectDisposedException(nameof(SpecBytes)), start, length, writable: false, publiclyVisible: true);

    /// <summary>Decodes the bytes to text (only where a string is needed: small inputs, YAML diagnostics).</summary>
    public override string ToString() => Encoding.UTF8.GetString(Span);

    public static SpecBytes FromString(string text)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetByteCount(text)));
        var written = Encoding.UTF8.GetBytes(text, rented);
        return new SpecBytes(rented, written);
    }

    /// <summary>
    /// Reads <paramref name="body"/> to its end, up to <paramref name="limit"/> bytes: one byte more throws
    /// <paramref name="tooLarge"/>'s exception as soon as it arrives. A known Content-Length sizes the buffer up front.
    /// </summary>
    public static async Task<SpecBytes> ReadAsync(Stream body, long? contentLength, long limit, Func<Exception> tooLarge, CancellationToken ct)
    {
        if (contentLength > limit)
        {
            throw tooLarge();
        }
        // One byte past a known length, so the end of the body shows as a read of 0 without growing the buffer.
        var initial = contentLength is { } known ? (int)Math.Min(known + 1, limit + 1) : ChunkBytes;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 1));
        var count = 0;
        try
        {
            while (true)
            {
                if (count == rented.Length)
                {
                    if (count > limit)
                    {
                        throw tooLarge();
                    }
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Min((long)rented.Length * 2, limit + 1), Array.MaxLength));
                    rented.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(rented);
                    rented = larger;
                }
                var read = await body.ReadAsync(rented.AsMemory(count), ct);
                if (read == 0)
                {
                    break;
                }
                count += read;
                if (count > limit)
                {
                    throw tooLarge();
                }
            }
            return new SpecBytes(rented, count);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    /// <summary>Invalid UTF-8: decode with replacement characters and encode again, as a string round trip did.</summary>
    private void Repair()
    {
        var text = Encoding.UTF8.GetString(Span);
        var repaired = ArrayPool<byte>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetByteCount(text)));
        var written = Encoding.UTF8.GetBytes(text, repaired);
        ArrayPool<byte>.Shared.Return(buffer!);
        buffer = repaired;
        start = 0;
        length = written;
    }

    public void Dispose()
    {
        if (buffer is { } b)
        {
            buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
