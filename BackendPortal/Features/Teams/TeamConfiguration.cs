using BackendPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackendPortal.Features.Teams;

public sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("Teams");
        b.ConfigureAudit();
        b.Property(t => t.Slug).HasMaxLength(Slug.MaxLength);
        b.Property(t => t.SlugKey).HasMaxLength(Slug.MaxLength);
        b.HasIndex(t => t.SlugKey).IsUnique();
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.Description).HasMaxLength(4000);
        b.Property(t => t.Type).HasMaxLength(50).HasDefaultValue("team");
        b.HasOne(t => t.ParentTeam).WithMany().HasForeignKey(t => t.ParentTeamId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.ToTable("TeamMembers");
        b.HasKey(m => new { m.TeamId, m.PersonId });
        b.HasOne(m => m.Team).WithMany(t => t.Members).HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.Person).WithMany(p => p.Memberships).HasForeignKey(m => m.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => m.PersonId);
        b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
    }
}
