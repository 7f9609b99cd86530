using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace BackendPortal.Features.Quality;

/// <summary>
/// An upload copied off the wire before anything is parsed or stored: the size limit is enforced
/// while reading, each file's content is hashed for the Idempotency-Key fingerprint, a slow client
/// never holds a database transaction open, and the TRX reader can take its two passes. Small
/// files stay in memory; larger ones go to a temp file deleted on dispose.
/// </summary>
public sealed class UploadSpool : IAsyncDisposable
{
    private const int MemoryThreshold = 256 * 1024;
    private readonly List<SpooledFile> files = [];

    public IReadOnlyList<SpooledFile> Files => files;

    public Dictionary<string, string> FormFields { get; } = new(StringComparer.OrdinalIgnoreCase);

    public long TotalBytes { get; private set; }

    /// <summary>SHA-256 over every file's name and content hash, in order (a multipart boundary does not count).</summary>
    public string ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes((file.Name ?? "") + "\n"));
            hash.AppendData(file.Sha256);
        }
        foreach (var (k, v) in FormFields.OrderBy(f => f.Key, StringComparer.OrdinalIgnoreCase))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(k.ToLowerInvariant() + "=" + v + "\n"));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public static async Task<UploadSpool> ReadAsync(HttpRequest request, long maxBytes, Func<string?, bool> isFormField, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > maxBytes + 64 * 1024)
        {
            throw new PayloadTooLargeException(maxBytes);
        }
        var spool = new UploadSpool();
        try
        {
            var contentType = request.ContentType ?? "";
            if (MediaTypeHeaderValue.TryParse(contentType, out var media)
                && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
                if (string.IsNullOrEmpty(boundary))
                {
                    throw new ReportRejectedException("The multipart body has no boundary.");
                }
                var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
                MultipartSection? section;
                try
                {
                    section = await reader.ReadNextSectionAsync(ct);
                }
                catch (IOException ex)
                {
                    throw new ReportRejectedException("The multipart body could not be read: " + ex.Message);
                }
                while (section is not null)
                {
                    var disposition = section.GetContentDispositionHeader();
                    if (disposition is null)
                    {
                        throw new ReportRejectedException("A multipart section has no Content-Disposition header.");
                    }
                    if (disposition.IsFileDisposition() || !isFormField(disposition.Name.Value))
                    {
                        if (spool.files.Count >= 200)
                        {
                            throw new ReportRejectedException("A run may have at most 200 files.");
                        }
                        var name = disposition.FileName.Value ?? disposition.FileNameStar.Value ?? disposition.Name.Value;
                        await spool.AddAsync(section.Body, name, maxBytes, ct);
                    }
                    else
                    {
                        using var text = new StreamReader(section.Body);
                        var value = await ReadLimitedAsync(text, 4096);
                        spool.FormFields[disposition.Name.Value ?? ""] = value;
                    }
                    try
                    {
                        section = await reader.ReadNextSectionAsync(ct);
                    }
                    catch (IOException ex)
                    {
                        throw new ReportRejectedException("The multipart body could not be read: " + ex.Message);
                    }
                }
            }
            else
            {
                await spool.AddAsync(request.Body, null, maxBytes, ct);
            }
            if (spool.files.Count == 0 || spool.files.All(f => f.Length == 0))
            {
                throw new ReportRejectedException("The body is empty: send a report document (or multipart/form-data with one or more files).");
            }
            var empty = spool.files.FirstOrDefault(f => f.Length == 0);
            if (empty is not null)
            {
                throw new ReportRejectedException($"The file {empty.Name ?? "(unnamed)"} is empty.");
            }
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    private static async Task<string> ReadLimitedAsync(StreamReader reader, int max)
    {
        var buffer = new char[max + 1];
        var read = await reader.ReadBlockAsync(buffer, 0, buffer.Length);
        if (read > max)
        {
            throw new ReportRejectedException($"A form field is longer than {max} characters.");
        }
        return new string(buffer, 0, read);
    }

    /// <summary>For tests and tools: a spool over bytes already in hand.</summary>
    public static async Task<UploadSpool> FromBytesAsync(params (string? Name, byte[] Content)[] contents)
    {
        var spool = new UploadSpool();
        foreach (var (name, content) in contents)
        {
            await spool.AddAsync(new MemoryStream(content), name, long.MaxValue, CancellationToken.None);
        }
        return spool;
    }

    private async Task AddAsync(Stream body, string? name, long maxBytes, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var memory = new MemoryStream();
        FileStream? file = null;
        string? path = null;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        long length = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, 81920), ct)) > 0)
            {
                length += read;
                TotalBytes += read;
                if (TotalBytes > maxBytes)
                {
                    throw new PayloadTooLargeException(maxBytes);
                }
                hash.AppendData(buffer, 0, read);
                if (file is null && memory.Length + read > MemoryThreshold)
                {
                    path = Path.Combine(Path.GetTempPath(), "bp-upload-" + Guid.NewGuid().ToString("N") + ".tmp");
                    file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 81920, FileOptions.Asynchronous);
                    memory.Position = 0;
                    await memory.CopyToAsync(file, ct);
                    memory = new MemoryStream();
                }
                if (file is not null)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                else
                {
                    memory.Write(buffer, 0, read);
                }
            }
        }
        catch
        {
            if (file is not null)
            {
                await file.DisposeAsync();
                File.Delete(path!);
            }
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        if (file is not null)
        {
            await file.DisposeAsync();
        }
        files.Add(new SpooledFile(name, length, hash.GetHashAndReset(), path, path is null ? memory.ToArray() : null));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var file in files.Where(f => f.TempPath is not null))
        {
            try
            {
                File.Delete(file.TempPath!);
            }
            catch (IOException)
            {
                // The OS temp cleaner gets it.
            }
        }
        return ValueTask.CompletedTask;
    }
}

public sealed record SpooledFile(string? Name, long Length, byte[] Sha256, string? TempPath, byte[]? Bytes)
{
    public Stream Open() => TempPath is not null
        ? new FileStream(TempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan)
        : new MemoryStream(Bytes!, writable: false);
}
