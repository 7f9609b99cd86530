using MudBlazor;

namespace BackendPortal.Components.Layout;

public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5f99", Secondary = "#6a4c93", AppbarBackground = "#1f5f99" },
        PaletteDark = new PaletteDark { Primary = "#6aa7e0", Secondary = "#b39ddb" },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
    };
}
