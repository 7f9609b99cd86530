using BackendPortal.Integration;

namespace BackendPortal.Features.Graph;

/// <summary>Nodes for the authorization matrix's graph rows, owned by the matrix's team.</summary>
public static class GraphMatrix
{
    public static async Task<string> DatabaseAsync(MatrixData data)
    {
        var seed = new CatalogSeed(data.Factory);
        await seed.DatabaseAsync(await seed.TeamIdAsync(data.TeamSlug), "db");
        return seed.S("db");
    }

    public static async Task<string> ApiAsync(MatrixData data)
    {
        var seed = new CatalogSeed(data.Factory);
        await seed.ApiAsync(await seed.TeamIdAsync(data.TeamSlug), "api");
        return seed.S("api");
    }
}
