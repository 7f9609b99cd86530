using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.People;

public sealed class SkillConfiguration : IEntityTypeConfiguration<Skill>
{
    public void Configure(EntityTypeBuilder<Skill> b)
    {
        b.ToTable("Skills");
        b.ConfigureAudit();
        b.ConfigureCatalogName(s => s.Slug, s => s.SlugKey, s => s.Name, s => s.Description);
        b.Property(s => s.Category).HasMaxLength(50);
        b.HasIndex(s => s.Category);
    }
}

public sealed class PersonSkillConfiguration : IEntityTypeConfiguration<PersonSkill>
{
    public void Configure(EntityTypeBuilder<PersonSkill> b)
    {
        b.ToTable("PersonSkills");
        b.HasKey(s => new { s.PersonId, s.SkillId });
        b.HasOne(s => s.Person).WithMany(p => p.Skills).HasForeignKey(s => s.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(s => s.Skill).WithMany().HasForeignKey(s => s.SkillId).OnDelete(DeleteBehavior.Cascade);
        // "Who knows X": by skill, strongest first.
        b.HasIndex(s => new { s.SkillId, s.Proficiency });
        b.Property(s => s.RatedBy).HasMaxLength(256);
        b.Property(s => s.EndorsedBy).HasMaxLength(256);
    }
}

public sealed class RoleLevelConfiguration : IEntityTypeConfiguration<RoleLevel>
{
    public void Configure(EntityTypeBuilder<RoleLevel> b)
    {
        b.ToTable("RoleLevels");
        b.ConfigureAudit();
        b.Property(l => l.Level).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(l => l.Level).IsUnique();
        b.Property(l => l.Name).HasMaxLength(100);
        b.Property(l => l.Description).HasMaxLength(4000);
    }
}

public sealed class LevelExpectationConfiguration : IEntityTypeConfiguration<LevelExpectation>
{
    public void Configure(EntityTypeBuilder<LevelExpectation> b)
    {
        b.ToTable("LevelExpectations");
        b.HasKey(e => new { e.RoleLevelId, e.SkillId });
        b.HasOne(e => e.RoleLevel).WithMany(l => l.Expectations).HasForeignKey(e => e.RoleLevelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(e => e.Skill).WithMany().HasForeignKey(e => e.SkillId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.SkillId);
    }
}
