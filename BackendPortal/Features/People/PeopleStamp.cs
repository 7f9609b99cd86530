using BackendPortal.Data;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Services;
using BackendPortal.Features.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.People;

/// <summary>
/// One row whose version changes in the same SaveChanges as any write a bus factor depends on: ratings,
/// memberships, people, teams, skills, services (languages, owner), the databases services use and their
/// engines. Every app instance compares it with the version of its cached bus-factor risks.
/// </summary>
public class PeopleStamp
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    public Guid Version { get; set; }
}

public sealed class PeopleStampConfiguration : IEntityTypeConfiguration<PeopleStamp>
{
    public void Configure(EntityTypeBuilder<PeopleStamp> b)
    {
        b.ToTable("PeopleStamps");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasData(new PeopleStamp { Id = PeopleStamp.SingletonId, Version = Guid.Empty });
    }
}

/// <summary>Renews <see cref="PeopleStamp"/> when a tracked change touches what bus factors are computed from.</summary>
public sealed class PeopleStampInterceptor : SaveChangesInterceptor
{
    public static readonly PeopleStampInterceptor Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Renew(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Renew(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>Whether a change to this entity can change a bus factor (or what the risk list shows of it).</summary>
    public static bool Affects(object entity) =>
        entity is PersonSkill or TeamMember or Person or Team or Skill or Service or ServiceDatabase or CatalogDatabase;

    private static void Renew(DbContext? context)
    {
        if (context is not AppDbContext db)
        {
            return;
        }
        db.ChangeTracker.DetectChanges();
        var affected = db.ChangeTracker.Entries()
            .Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && Affects(e.Entity));
        if (!affected)
        {
            return;
        }
        var stamp = db.Set<PeopleStamp>().Local.FirstOrDefault(s => s.Id == PeopleStamp.SingletonId);
        if (stamp is null)
        {
            stamp = new PeopleStamp { Id = PeopleStamp.SingletonId };
            db.Set<PeopleStamp>().Attach(stamp);
        }
        stamp.Version = Guid.NewGuid();
        db.Entry(stamp).Property(s => s.Version).IsModified = true;
    }
}
