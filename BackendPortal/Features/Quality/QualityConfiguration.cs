using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Quality;

public sealed class TestRunConfiguration : IEntityTypeConfiguration<TestRun>
{
    public void Configure(EntityTypeBuilder<TestRun> b)
    {
        b.ToTable("TestRuns");
        b.HasOne(r => r.Service).WithMany().HasForeignKey(r => r.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Suite).HasMaxLength(QualityLimits.SuiteLength);
        b.Property(r => r.Commit).HasMaxLength(QualityLimits.CommitLength);
        b.Property(r => r.Branch).HasMaxLength(QualityLimits.BranchLength);
        b.Property(r => r.BuildUrl).HasMaxLength(QualityLimits.UrlLength);
        b.Property(r => r.Format).HasMaxLength(16);
        b.Property(r => r.CreatedBy).HasMaxLength(256);
        b.HasIndex(r => new { r.ServiceId, r.Id });
        b.HasIndex(r => new { r.ServiceId, r.Suite, r.Id });
    }
}

public sealed class TestResultConfiguration : IEntityTypeConfiguration<TestResult>
{
    public void Configure(EntityTypeBuilder<TestResult> b)
    {
        b.ToTable("TestResults");
        // ServiceId is a copy of the run's, for the history index; the run's foreign key is the one cascade path.
        b.HasOne(r => r.Run).WithMany().HasForeignKey(r => r.RunId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.ClassName).HasMaxLength(QualityLimits.ClassNameLength);
        b.Property(r => r.Name).HasMaxLength(QualityLimits.NameLength);
        b.Property(r => r.Message).HasMaxLength(QualityLimits.MessageLength);
        b.Property(r => r.Details).HasMaxLength(QualityLimits.DetailsLength);
        b.HasIndex(r => new { r.RunId, r.Outcome });
        b.HasIndex(r => new { r.ServiceId, r.TestKey, r.RunId });
    }
}

public sealed class FlakyTestConfiguration : IEntityTypeConfiguration<FlakyTest>
{
    public void Configure(EntityTypeBuilder<FlakyTest> b)
    {
        b.ToTable("FlakyTests");
        b.HasOne(f => f.Service).WithMany().HasForeignKey(f => f.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.Property(f => f.Suite).HasMaxLength(QualityLimits.SuiteLength);
        b.Property(f => f.ClassName).HasMaxLength(QualityLimits.ClassNameLength);
        b.Property(f => f.Name).HasMaxLength(QualityLimits.NameLength);
        b.Property(f => f.Reason).HasMaxLength(300);
        b.Property(f => f.QuarantineNote).HasMaxLength(1000);
        b.Property(f => f.QuarantinedBy).HasMaxLength(256);
        b.Property(f => f.Version).IsConcurrencyToken();
        b.HasIndex(f => new { f.ServiceId, f.TestKey }).IsUnique();
        b.HasIndex(f => new { f.ServiceId, f.IsFlaky });
    }
}

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("IdempotencyKeys");
        b.Property(k => k.Scope).HasMaxLength(64);
        b.Property(k => k.Key).HasMaxLength(IdempotencyKeys.MaxKeyLength);
        b.Property(k => k.Fingerprint).HasMaxLength(64);
        b.Property(k => k.Location).HasMaxLength(500);
        b.HasIndex(k => new { k.Scope, k.Key }).IsUnique();
        b.HasIndex(k => k.ExpiresAt);
    }
}

public sealed class LoadTestRunConfiguration : IEntityTypeConfiguration<LoadTestRun>
{
    public void Configure(EntityTypeBuilder<LoadTestRun> b)
    {
        b.ToTable("LoadTestRuns");
        b.HasOne(r => r.Service).WithMany().HasForeignKey(r => r.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Name).HasMaxLength(200);
        b.Property(r => r.Commit).HasMaxLength(QualityLimits.CommitLength);
        b.Property(r => r.Shape).HasMaxLength(32);
        b.Property(r => r.CreatedBy).HasMaxLength(256);
        b.HasIndex(r => new { r.ServiceId, r.Id });
    }
}

public sealed class LoadTestBudgetConfiguration : IEntityTypeConfiguration<LoadTestBudget>
{
    public void Configure(EntityTypeBuilder<LoadTestBudget> b)
    {
        b.ToTable("LoadTestBudgets");
        b.HasKey(x => x.ServiceId);
        b.HasOne(x => x.Service).WithOne().HasForeignKey<LoadTestBudget>(x => x.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.UpdatedBy).HasMaxLength(256);
    }
}
