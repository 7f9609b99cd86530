namespace BackendPortal.Features.Users;

public static class UsersRegistration
{
    public static IServiceCollection AddUserAdministration(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder api) => api;
}
