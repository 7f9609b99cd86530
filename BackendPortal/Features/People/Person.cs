using BackendPortal.Data;
using BackendPortal.Features.Teams;

namespace BackendPortal.Features.People;

public class Person : AuditedEntity
{
    public string Slug { get; set; } = "";
    public string SlugKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public string? UserId { get; set; }
    public ApplicationUser? User { get; set; }
    public List<TeamMember> Memberships { get; set; } = [];
}
