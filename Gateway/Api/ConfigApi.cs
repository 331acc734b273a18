using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Security;
using OrleansChat.Gateway.Sessions;

namespace OrleansChat.Gateway.Api;

/// <summary><c>GET /api/config</c>: what a client needs to know before it connects (name or token, and the limits it should check first).</summary>
public static class ConfigApi
{
    /// <summary>Maps <c>/api/config</c>.</summary>
    public static IEndpointRouteBuilder MapConfigApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/config", (IOptions<SecurityOptions> security, IOptions<ChatSessionOptions> sessions) => Results.Ok(new ClientConfig(
            string.IsNullOrEmpty(security.Value.JwtSigningKey) ? "name" : "token",
            sessions.Value.MaxTextLength,
            sessions.Value.MaxRoomsPerConnection)));
        return endpoints;
    }
}
