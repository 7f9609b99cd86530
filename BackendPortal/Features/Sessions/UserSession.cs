using BackendPortal.Data;

namespace BackendPortal.Features.Sessions;

/// <summary>
/// A browser sign-in. The cookie carries the session id; ending the row ends the cookie at its next
/// validation, which is how "sign out other sessions" and the absolute lifetime work.
/// </summary>
public class UserSession
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public ApplicationUser User { get; set; } = null!;
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public DateTime? EndedAt { get; set; }
}
