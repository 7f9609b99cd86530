using System.Buffers;

namespace BackendPortal.Features.Apis;

/// <summary>
/// A write-only stream into buffers rented from the shared array pool; <see cref="ToArray"/> makes the one exact-size
/// copy. A MemoryStream that grows by doubling leaves every smaller buffer behind, and past 85 KB each of those is
/// large-object-heap garbage.
/// </summary>
internal sealed class PooledWriteStream(int initialCapacity) : Stream
{
    private byte[]? buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    private int length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => length;

    public override long Position
    {
        get => length;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        var b = buffer ?? throw new ObjectDisposedException(nameof(PooledWriteStream));
        if (b.Length - length < data.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max((long)b.Length * 2, (long)length + data.Length), Array.MaxLength));
            b.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(b);
            buffer = b = larger;
        }
        data.CopyTo(b.AsSpan(length));
        length += data.Length;
    }

    public override void Write(byte[] data, int offset, int count) => Write(data.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] data, int offset, int count, CancellationToken cancellationToken)
    {
        Write(data.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Write(data.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] data, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public byte[] ToArray() => (buffer ?? throw new ObjectDisposedException(nameof(PooledWriteStream))).AsSpan(0, length).ToArray();

    protected override void Dispose(bool disposing)
    {
        if (buffer is { } b)
        {
            buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
        base.Dispose(disposing);
    }
}
