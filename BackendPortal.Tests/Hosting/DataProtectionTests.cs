using BackendPortal.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace BackendPortal.Hosting;

public sealed class DataProtectionTests
{
    [Fact]
    public async Task Keys_go_to_the_configured_folder_and_a_restarted_portal_reads_what_the_first_wrote()
    {
        var folder = Directory.CreateTempSubdirectory("portal-keys-");
        try
        {
            string protectedText;
            await using (var first = new PortalFactory())
            {
                first.WithSetting("DataProtection:KeysPath", folder.FullName);
                protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("secret header");
            }
            Assert.NotEmpty(folder.GetFiles("key-*.xml"));

            await using var second = new PortalFactory();
            second.WithSetting("DataProtection:KeysPath", folder.FullName);
            Assert.Equal("secret header", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
