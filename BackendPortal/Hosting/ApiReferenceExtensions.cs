namespace BackendPortal.Hosting;

public static class ApiReferenceExtensions
{
    public const string Path = "/api/docs";

    /// <summary>
    /// Swagger UI served from the package's embedded files (the machine may have no internet), for
    /// signed-in users only; it reads /openapi/v1.json with the browser's cookie.
    /// </summary>
    public static void MapApiReference(this WebApplication app)
    {
        app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments(Path), branch =>
        {
            branch.Use(async (ctx, next) =>
            {
                if (ctx.User.Identity?.IsAuthenticated != true)
                {
                    ctx.Response.Redirect($"/Account/Login?ReturnUrl={Uri.EscapeDataString(Path)}");
                    return;
                }
                await next(ctx);
            });
            branch.UseSwaggerUI(o =>
            {
                o.RoutePrefix = Path.TrimStart('/');
                o.DocumentTitle = "BackendPortal API reference";
                o.SwaggerEndpoint("/openapi/v1.json", "BackendPortal API v1");
            });
        });
    }
}
