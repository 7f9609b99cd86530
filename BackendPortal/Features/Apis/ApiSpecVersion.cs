using BackendPortal.Features.Services;

namespace BackendPortal.Features.Apis;

/// <summary>
/// One uploaded OpenAPI document of an API. The raw text and what was computed from it (operation
/// index, findings, changes against the previous version) are stored gzip-compressed, so views and
/// diffs never parse the document again.
/// </summary>
public class ApiSpecVersion
{
    public int Id { get; set; }
    public int ApiId { get; set; }
    public CatalogApi Api { get; set; } = null!;
    public string Label { get; set; } = "";
    /// <summary>Upload order within the API; "previous version" means the one with the next lower number.</summary>
    public int Sequence { get; set; }
    public string SpecVersion { get; set; } = "";
    public string? Title { get; set; }
    public int OperationCount { get; set; }
    public int Score { get; set; }
    public int FindingCount { get; set; }
    public int BreakingCount { get; set; }
    public int WarningCount { get; set; }
    public long SizeBytes { get; set; }
    public byte[] Document { get; set; } = [];
    public byte[] Index { get; set; } = [];
    /// <summary>The reference's first screen (<see cref="Spec.SpecHead"/>, gzip'd JSON); null for versions stored before it was kept.</summary>
    public byte[]? Head { get; set; }
    public byte[] Findings { get; set; } = [];
    public byte[] Changes { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

/// <summary>The operations of an API that a consuming service says it calls ("GET /orders/{id}" or an operationId).</summary>
public class ApiUsage
{
    public int ServiceId { get; set; }
    public Service Service { get; set; } = null!;
    public int ApiId { get; set; }
    public CatalogApi Api { get; set; } = null!;
    public List<string> Operations { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}
