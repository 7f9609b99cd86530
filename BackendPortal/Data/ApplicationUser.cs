using Microsoft.AspNetCore.Identity;

namespace BackendPortal.Data;

public class ApplicationUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public bool PrefersDarkMode { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }

    /// <summary>A disabled account cannot sign in, its sessions end and its tokens stop working.</summary>
    public bool IsDisabled { get; set; }
    public DateTime? DisabledAt { get; set; }

    /// <summary>The last TOTP time step accepted, so a code cannot be used twice.</summary>
    public long? LastTotpTimeStep { get; set; }
}
