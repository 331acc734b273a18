using System.Net.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OrleansChat.Gateway.Hub;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Security;
using OrleansChat.Gateway.Sessions;
using OrleansChat.Gateway.Transport;

namespace OrleansChat.Gateway.Endpoint;

/// <summary>
/// <c>GET /ws</c> on the HTTP pipeline: checks the request before any upgrade (origin 403, name 400
/// or token 401), accepts the socket with the framework's keep-alive pings, and runs its session
/// until it closes. Upgrades that pass every check are usually taken before this, before
/// Kestrel sees the connection (<see cref="Transport.Direct.DirectUpgrade"/>); this serves the rest and gives every refusal.
/// </summary>
public sealed partial class WebSocketEndpoint(
    RoomHub hub,
    ConnectionRegistry registry,
    SocketAuthenticator authenticator,
    ChatTokens tokens,
    ChatMetrics metrics,
    IOptions<TransportOptions> transport,
    IOptions<ChatSessionOptions> sessions,
    IOptions<SecurityOptions> security,
    IOptions<KestrelServerOptions> kestrel,
    ILoggerFactory loggerFactory) : ISocketHost
{
    private readonly KestrelServerOptions _kestrel = kestrel.Value;
    private readonly TransportOptions _transport = transport.Value;
    private readonly ChatSessionOptions _sessions = sessions.Value;
    private readonly SecurityOptions _security = security.Value;
    private readonly TransportLimits _limits = transport.Value.Limits;
    private readonly ILogger _logger = loggerFactory.CreateLogger<WebSocketEndpoint>();

    /// <summary>Handles one request to <c>/ws</c>.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.Problem("this endpoint takes WebSocket upgrades only", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        var request = context.Request;
        var admission = await AdmitAsync(request.Headers.Origin.ToString(), $"{request.Scheme}://{request.Host.Value}", request.Query["name"], request.Query["token"]);
        if (admission.Identity is not { } identity)
        {
            if (admission.TokenRefused is { } why)
            {
                LogRefused(why);
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }

            await Results.Problem(admission.Detail, statusCode: admission.Status).ExecuteAsync(context);
            return;
        }

        // One count of open sockets for both ways in, against Kestrel's MaxConcurrentUpgradedConnections: past it,
        // Kestrel's own upgrade throws (HttpProtocol's IHttpUpgradeFeature.UpgradeAsync) and the request gets a 500.
        if (!registry.TryTakeSocket(_kestrel.Limits.MaxConcurrentUpgradedConnections))
        {
            await Results.Problem("the gateway has as many sockets open as it takes", statusCode: StatusCodes.Status500InternalServerError).ExecuteAsync(context);
            return;
        }

        try
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = _transport.PingInterval,
                KeepAliveTimeout = _transport.PongTimeout,
            });
            try
            {
                await RunAsync(socket, identity);
            }
            finally
            {
                // ASP.NET Core's WebSocketMiddleware puts an AbortStream under the socket whose Dispose aborts the
                // HttpContext when the WebSocket is Aborted, and Kestrel ends an aborted connection with a reset that
                // drops what it has not sent. A WebSocket that failed its peer (a bad frame: it sent its own 1002 and
                // marked itself Aborted, dotnet/runtime's ManagedWebSocket) is left undisposed, so Kestrel sends that
                // close and ends the connection with a FIN; any other Aborted socket was disposed by its Abort.
                if (socket.State != WebSocketState.Aborted)
                {
                    socket.Dispose();
                }
            }
        }
        finally
        {
            registry.ReleaseSocket();
        }
    }

    /// <inheritdoc cref="ISocketHost.AdmitAsync"/>
    /// <remarks>
    /// The rules a socket request must pass, whichever way it came (here, or before Kestrel in
    /// <see cref="Transport.Direct.DirectUpgrade"/>, which takes only an admitted request and leaves the rest to be
    /// refused here): an allowed origin (else 403; <paramref name="own"/> is the gateway's own
    /// scheme://host:port), a valid name or token (else 400 or 401), a gateway that is not draining
    /// (else 503).
    /// </remarks>
    public async Task<SocketAdmission> AdmitAsync(string? origin, string own, StringValues name, StringValues token)
    {
        if (!OriginPolicy.IsAllowed(origin, own, _security.AllowedOrigins))
        {
            return SocketAdmission.Refused(StatusCodes.Status403Forbidden, "origin not allowed");
        }

        var login = await authenticator.CheckAsync(name, token);
        if (login.Identity is null || registry.IsAccepting)
        {
            return login;
        }

        return SocketAdmission.Refused(StatusCodes.Status503ServiceUnavailable, "the gateway is shutting down");
    }

    /// <summary>
    /// Runs an accepted socket's session until it closes, whichever way it was accepted (here or by
    /// <see cref="Transport.Direct.DirectUpgrade"/>).
    /// </summary>
    public async Task RunAsync(WebSocket socket, ChatIdentity identity)
    {
        using var connection = new WebSocketConnection(socket, Guid.NewGuid().ToString("N"), _limits, loggerFactory.CreateLogger<WebSocketConnection>());
        await using var session = new ChatSession(connection, identity, hub, tokens, _sessions, metrics, loggerFactory.CreateLogger<ChatSession>());
        using var registration = registry.Add(connection);
        connection.FrameSent += metrics.FrameSent;
        connection.FrameDropped += metrics.FrameDropped;
        connection.SlowConsumerClosed += metrics.SlowConsumerClosed;
        LogConnected(connection.Id, identity.User);
        session.Start();
        await connection.RunAsync(session.HandleAsync);
        LogDisconnected(connection.Id, identity.User);
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "Refused a socket: {Reason}")]
    private partial void LogRefused(string reason);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened for {User}")]
    private partial void LogConnected(string connectionId, string user);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Connection {ConnectionId} of {User} closed")]
    private partial void LogDisconnected(string connectionId, string user);
}
