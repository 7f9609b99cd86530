using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Features.People;

/// <summary>
/// The organisation's services at bus-factor risk, computed once per <see cref="PeopleStamp"/> version. Each use
/// reads the stamp (one tiny query) and recomputes only when a write that can change a bus factor renewed it, so
/// every instance behind a load balancer sees every write at once.
/// </summary>
public sealed class BusFactorRiskCache(IDbContextFactory<AppDbContext> dbFactory)
{
    private readonly SemaphoreSlim computing = new(1, 1);
    private volatile Snapshot? current;

    /// <summary>All services under the threshold, worst first then by slug key; and how many times it was computed (for tests).</summary>
    public sealed record Snapshot(Guid Stamp, IReadOnlyList<BusFactorRisk> Risks);

    public int Computations { get; private set; }

    public async Task<IReadOnlyList<BusFactorRisk>> GetAsync(CancellationToken ct = default)
    {
        var stamp = await ReadStampAsync(ct);
        if (current is { } cached && cached.Stamp == stamp)
        {
            return cached.Risks;
        }
        await computing.WaitAsync(ct);
        try
        {
            if (current is { } again && again.Stamp == stamp)
            {
                return again.Risks;
            }
            // The stamp was read before the data: a write landing meanwhile leaves this snapshot under the older
            // stamp, and the next reader recomputes.
            var risks = await SkillInsightsService.ComputeRisksAsync(dbFactory, ct);
            Computations++;
            current = new Snapshot(stamp, risks);
            return risks;
        }
        finally
        {
            computing.Release();
        }
    }

    private async Task<Guid> ReadStampAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PeopleStamps.AsNoTracking().Where(s => s.Id == PeopleStamp.SingletonId).Select(s => s.Version).FirstOrDefaultAsync(ct);
    }
}
