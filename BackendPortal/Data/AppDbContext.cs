using BackendPortal.Features.Apis;
using BackendPortal.Features.Audit;
using BackendPortal.Features.Databases;
using BackendPortal.Features.Operations;
using BackendPortal.Features.People;
using BackendPortal.Features.Quality;
using BackendPortal.Features.Services;
using BackendPortal.Features.Sessions;
using BackendPortal.Features.Systems;
using BackendPortal.Features.Teams;
using BackendPortal.Features.Tokens;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BackendPortal.Data;

public abstract class AppDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options)
{
    public DbSet<Person> People => Set<Person>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<Service> Services => Set<Service>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<SetupToken> SetupTokens => Set<SetupToken>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<CatalogSystem> Systems => Set<CatalogSystem>();
    public DbSet<CatalogDomain> Domains => Set<CatalogDomain>();
    public DbSet<CatalogResource> Resources => Set<CatalogResource>();
    public DbSet<CatalogDatabase> Databases => Set<CatalogDatabase>();
    public DbSet<CatalogApi> Apis => Set<CatalogApi>();
    public DbSet<ServiceDependency> ServiceDependencies => Set<ServiceDependency>();
    public DbSet<ServiceDatabase> ServiceDatabases => Set<ServiceDatabase>();
    public DbSet<ServiceApiLink> ServiceApis => Set<ServiceApiLink>();
    public DbSet<ServiceResource> ServiceResources => Set<ServiceResource>();
    public DbSet<DatabaseMigration> DatabaseMigrations => Set<DatabaseMigration>();
    public DbSet<DatabaseSizeSample> DatabaseSizeSamples => Set<DatabaseSizeSample>();
    public DbSet<SlowQuerySample> SlowQuerySamples => Set<SlowQuerySample>();
    public DbSet<DatabaseBackup> DatabaseBackups => Set<DatabaseBackup>();
    public DbSet<Skill> Skills => Set<Skill>();
    public DbSet<PersonSkill> PersonSkills => Set<PersonSkill>();
    public DbSet<RoleLevel> RoleLevels => Set<RoleLevel>();
    public DbSet<LevelExpectation> LevelExpectations => Set<LevelExpectation>();
    public DbSet<Features.Search.SearchTerm> SearchTerms => Set<Features.Search.SearchTerm>();
    public DbSet<Features.Graph.CatalogStamp> CatalogStamps => Set<Features.Graph.CatalogStamp>();
    public DbSet<PeopleStamp> PeopleStamps => Set<PeopleStamp>();

    /// <summary>Set by a large writer to collect search index changes and write them once (SearchIndexInterceptor.FlushDeferredAsync).</summary>
    public Features.Search.DeferredSearchIndex? DeferredSearchIndex { get; set; }

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        optionsBuilder.AddInterceptors(Features.Search.SearchIndexInterceptor.Instance);
        optionsBuilder.AddInterceptors(PeopleStampInterceptor.Instance);
        optionsBuilder.AddInterceptors(SqliteSynchronousInterceptor.Instance);
    }
    public DbSet<ApiSpecVersion> ApiVersions => Set<ApiSpecVersion>();
    public DbSet<ApiUsage> ApiUsages => Set<ApiUsage>();
    public DbSet<TestRun> TestRuns => Set<TestRun>();
    public DbSet<TestResult> TestResults => Set<TestResult>();
    public DbSet<FlakyTest> FlakyTests => Set<FlakyTest>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<LoadTestRun> LoadTestRuns => Set<LoadTestRun>();
    public DbSet<LoadTestBudget> LoadTestBudgets => Set<LoadTestBudget>();
    public DbSet<HealthCheck> HealthChecks => Set<HealthCheck>();
    public DbSet<HealthResult> HealthResults => Set<HealthResult>();
    public DbSet<HealthStatusChange> HealthStatusChanges => Set<HealthStatusChange>();
    public DbSet<HealthBucket> HealthBuckets => Set<HealthBucket>();
    public DbSet<HealthRollupMark> HealthRollupMarks => Set<HealthRollupMark>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<IncidentService> IncidentServices => Set<IncidentService>();
    public DbSet<IncidentEntry> IncidentEntries => Set<IncidentEntry>();
    public DbSet<IncidentActionItem> IncidentActionItems => Set<IncidentActionItem>();
    public DbSet<Deployment> Deployments => Set<Deployment>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }
}
