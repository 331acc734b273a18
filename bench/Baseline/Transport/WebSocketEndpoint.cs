using OrleansChat.Baseline.Protocol;
using OrleansChat.Baseline.Rooms;
using OrleansChat.Protocol;

namespace OrleansChat.Baseline.Transport;

/// <summary>
/// <c>GET /ws?name=…</c>: checks the name and the Origin before the upgrade (400 / 403), then
/// runs the socket with its session until it closes.
/// </summary>
internal sealed class WebSocketEndpoint(RoomRegistry rooms, IHostApplicationLifetime lifetime, ILogger<WebSocketEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (MessageRules.NormalizeUser(context.Request.Query["name"]) is not { } user)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        using var socket = new ChatSocket(webSocket, user, logger);
        var session = new ChatSession(socket, rooms);
        socket.Enqueue(ServerFrames.Welcome(user, context.Connection.Id));
        try
        {
            await socket.RunAsync((_, frame) => session.Handle(frame), lifetime.ApplicationStopping);
        }
        finally
        {
            session.LeaveAll();
        }
    }
}
