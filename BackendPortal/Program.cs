using BackendPortal.Cli;
using BackendPortal.Hosting;

var builder = WebApplication.CreateBuilder(PortalCommandLine.HostArgs(args));
builder.AddBackendPortal(args);

var app = builder.Build();
app.MapBackendPortal();

return await app.RunPortalAsync(args);

public partial class Program;
