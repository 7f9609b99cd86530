namespace BackendPortal.Features.Catalog;

/// <summary>One file (or a pasted text) of an import; <see cref="Name"/> appears in errors when there are several.</summary>
public sealed record ImportSource(string? Name, string Text);

public static class ImportActions
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Skipped = "skipped";
    public const string Unknown = "unknown";
    public const string Error = "error";
}

/// <summary>What happens (or would happen, on a dry run) to one document.</summary>
public sealed record ImportItem(int Document, string Kind, string Name, string Action, string? Source = null, int Line = 0, string? Message = null);

/// <summary>The answer of <c>POST /api/v1/catalog/import</c> when nothing is wrong.</summary>
public sealed record ImportSummary(int Created, int Updated, int Unchanged, int Skipped, bool DryRun, IReadOnlyList<ImportItem> Results);

/// <summary>
/// The whole outcome: when <see cref="Errors"/> is not empty nothing was written, and
/// <see cref="Results"/> still says what every valid document would have done.
/// </summary>
public sealed record ImportOutcome(ImportSummary Summary, IReadOnlyList<ImportError> Errors, bool Forbidden)
{
    public bool Succeeded => Errors.Count == 0;
}

public sealed record ImportProgress(string Stage, int Done, int Total);

public sealed class CatalogImportOptions
{
    public const string Section = "CatalogImport";

    /// <summary>Largest import body accepted; bigger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 50L * 1024 * 1024;
}
