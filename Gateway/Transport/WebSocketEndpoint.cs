using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Hosting;
using OrleansChat.Gateway.Hub;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Sessions;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// <c>GET /ws</c> on the HTTP pipeline: checks the request before any upgrade (origin 403, name 400
/// or token 401), accepts the socket with the framework's keep-alive pings, and runs its session
/// until it closes. Upgrades that pass every check are usually taken before this, off the
/// connection (<see cref="DirectUpgrade"/>); this serves the rest and gives every refusal.
/// </summary>
public sealed partial class WebSocketEndpoint(
    RoomHub hub,
    ConnectionRegistry registry,
    SocketAuthenticator authenticator,
    ChatMetrics metrics,
    IOptions<ChatGatewayOptions> options,
    ILoggerFactory loggerFactory)
{
    private readonly ChatGatewayOptions _options = options.Value;
    private readonly TransportLimits _limits = new(options.Value.MaxFrameBytes, options.Value.OutboundQueueLimit, options.Value.CloseTimeout);
    private readonly ILogger _logger = loggerFactory.CreateLogger<WebSocketEndpoint>();

    /// <summary>Handles one request to <c>/ws</c>.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.Problem("this endpoint takes WebSocket upgrades only", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        if (!OriginPolicy.IsAllowed(context.Request, _options.AllowedOrigins))
        {
            await Results.Problem("origin not allowed", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
            return;
        }

        var (user, refusal) = await authenticator.AuthenticateAsync(context);
        if (user is null)
        {
            await refusal!.ExecuteAsync(context);
            return;
        }

        if (!registry.IsAccepting)
        {
            await Results.Problem("the gateway is shutting down", statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = _options.PingInterval,
            KeepAliveTimeout = _options.PongTimeout,
        });
        await RunAsync(socket, user);
    }

    /// <summary>
    /// Runs an accepted socket's session until it closes, whichever way it was accepted (here or by
    /// <see cref="DirectUpgrade"/>).
    /// </summary>
    public async Task RunAsync(WebSocket socket, string user)
    {
        using var connection = new WebSocketConnection(socket, Guid.NewGuid().ToString("N"), _limits, loggerFactory.CreateLogger<WebSocketConnection>());
        await using var session = new ChatSession(connection, user, hub, _options, metrics, loggerFactory.CreateLogger<ChatSession>());
        using var registration = registry.Add(connection);
        connection.FrameSent += metrics.FrameSent;
        connection.FrameDropped += metrics.FrameDropped;
        connection.SlowConsumerClosed += metrics.SlowConsumerClosed;
        LogConnected(connection.Id, user);
        session.Start();
        await connection.RunAsync(session.HandleAsync);
        LogDisconnected(connection.Id, user);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened for {User}")]
    private partial void LogConnected(string connectionId, string user);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} of {User} closed")]
    private partial void LogDisconnected(string connectionId, string user);
}
