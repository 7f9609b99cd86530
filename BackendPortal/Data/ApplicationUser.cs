using Microsoft.AspNetCore.Identity;

namespace BackendPortal.Data;

public class ApplicationUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public bool PrefersDarkMode { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }
}
