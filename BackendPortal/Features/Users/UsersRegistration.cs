namespace BackendPortal.Features.Users;

public static class UsersRegistration
{
    public static IServiceCollection AddUserAdministration(this IServiceCollection services) =>
        services.AddScoped<UserAdminService>().AddScoped<Overview.OverviewService>();

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder api) => UsersApi.Map(api);
}
