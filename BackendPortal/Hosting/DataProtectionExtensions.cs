using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace BackendPortal.Hosting;

public static class DataProtectionExtensions
{
    /// <summary>
    /// Sign-in cookies and the health checks' protected header values are only readable with the keys that wrote
    /// them. <c>DataProtection:KeysPath</c> names a directory that survives restarts (a volume in a container) and
    /// that every instance shares; without it ASP.NET Core's per-user default applies.
    /// </summary>
    public static IServiceCollection AddPortalDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("BackendPortal");
        // Read when the options are first built, so every configuration source (tests' included) is in place.
        services.AddOptions<KeyManagementOptions>().Configure<IConfiguration, ILoggerFactory>((options, configuration, logs) =>
        {
            if (configuration["DataProtection:KeysPath"] is { Length: > 0 } path)
            {
                options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(path), logs);
            }
        });
        return services;
    }
}
