using OrleansChat.Baseline.Rooms;
using OrleansChat.Baseline.Transport;

namespace OrleansChat.Baseline.Hosting;

/// <summary>Wires the baseline: one registry of in-memory rooms, the WebSocket endpoint and health.</summary>
internal static class BaselineChatExtensions
{
    public static WebApplicationBuilder AddBaselineChat(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RoomRegistry>();
        builder.Services.AddSingleton<WebSocketEndpoint>();
        return builder;
    }

    public static WebApplication MapBaselineChat(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions
        {
            KeepAliveInterval = ChatLimits.PingInterval,
            KeepAliveTimeout = ChatLimits.PingTimeout,
        });
        var endpoint = app.Services.GetRequiredService<WebSocketEndpoint>();
        app.Map("/ws", endpoint.HandleAsync);
        app.MapGet("/health/live", () => Results.Ok());
        app.MapGet("/health/ready", () => Results.Ok());
        return app;
    }
}
