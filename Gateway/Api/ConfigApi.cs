using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Hosting;

namespace OrleansChat.Gateway.Api;

/// <summary><c>GET /api/config</c>: what a client needs to know before it connects (name or token, and the limits it should check first).</summary>
public static class ConfigApi
{
    /// <summary>Maps <c>/api/config</c>.</summary>
    public static IEndpointRouteBuilder MapConfigApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/config", (IOptions<ChatGatewayOptions> options) => Results.Ok(new ClientConfig(
            string.IsNullOrEmpty(options.Value.JwtSigningKey) ? "name" : "token",
            options.Value.MaxTextLength,
            options.Value.MaxRoomsPerConnection)));
        return endpoints;
    }
}
