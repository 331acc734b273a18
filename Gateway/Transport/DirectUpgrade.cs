using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// Kestrel connection middleware that takes a WebSocket upgrade to <c>/ws</c> straight off the
/// connection, before Kestrel's HTTP/1.1 layer, and hands every other connection to that layer
/// untouched. An upgraded socket served through the HTTP pipeline keeps that pipeline's
/// per-request objects for its whole life (Kestrel's <c>Http1Connection</c> and header
/// collections, ASP.NET Core's <c>HttpContext</c> and features, their timeouts and state
/// machines: about 6.5 KiB of the 18.5 KiB a socket cost, docs/performance-notes.md); a socket taken
/// here keeps only Kestrel's transport (the socket and its two pipes) under the framework's
/// <see cref="WebSocket"/>.
/// </summary>
/// <remarks>
/// <para>
/// Only a request this class can accept as it stands is taken: a complete, well-formed head in the
/// connection's first read (<see cref="UpgradeHead"/>) that the endpoint's own rules admit
/// (<see cref="WebSocketEndpoint.AdmitAsync"/>: origin, name or token, not draining). Anything
/// else, refusals included, is left unread for the HTTP pipeline, whose <see cref="WebSocketEndpoint"/>
/// applies the same rules and gives the 400, 401, 403 or 503; so the rules are written once, one
/// place answers a request, and the bytes reach it as they came (the read is advanced to where it
/// began, which Kestrel's next read sees again).
/// </para>
/// <para>
/// It sees the connection's raw bytes, so it must run where those are plain HTTP: with Kestrel's
/// own HTTPS on an endpoint, it finds no request it can read and every upgrade takes the HTTP
/// pipeline (still correct). The gateway is meant to sit behind a TLS-terminating proxy or ingress.
/// </para>
/// </remarks>
public sealed partial class DirectUpgrade(
    ConnectionDelegate next,
    WebSocketEndpoint endpoint,
    SocketKeepAlive keepAlive,
    KestrelServerLimits limits,
    ILogger<DirectUpgrade> logger)
{
    /// <summary>Serves one connection: as a socket, or by passing it on to <paramref name="next"/>.</summary>
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var user = await TryUpgradeAsync(connection);
        if (user is null)
        {
            await next(connection);
            return;
        }

        // The socket's whole life runs in this frame, so it holds no more than the socket and the user.
        // Its pings come from the gateway's one keep-alive sweep, not a runtime timer per socket.
        var stream = new DuplexPipeStream(connection.Transport);
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.Zero,
        });
        using var pings = keepAlive.Track(socket, stream);
        await endpoint.RunAsync(socket, user);
    }

    /// <summary>
    /// Reads the connection's first bytes and, for an upgrade this gateway accepts, consumes the head
    /// and answers <c>101</c>; otherwise leaves every byte unread and returns null.
    /// </summary>
    private async Task<string?> TryUpgradeAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        ReadResult read;
        // A client that connects and sends nothing is Kestrel's to time out; it gets as long to
        // start its request here as Kestrel gives it to finish its headers, then goes on to Kestrel.
        using (var silence = new CancellationTokenSource(limits.RequestHeadersTimeout))
        {
            try
            {
                read = await input.ReadAsync(silence.Token);
            }
            catch (OperationCanceledException) when (silence.IsCancellationRequested)
            {
                LogSilent(connection.ConnectionId, limits.RequestHeadersTimeout);
                return null;
            }
        }

        long length = 0;
        var head = read.IsCanceled ? null : UpgradeHead.TryParse(read.Buffer, out length);
        var user = head is null ? null : await AdmittedUserAsync(head);
        if (user is null)
        {
            input.AdvanceTo(read.Buffer.Start);
            return null;
        }

        input.AdvanceTo(read.Buffer.GetPosition(length));
        await connection.Transport.Output.WriteAsync(head!.SwitchingProtocols());
        return user;
    }

    /// <summary>The user the request connects as, when the endpoint's rules admit it (<see cref="WebSocketEndpoint.AdmitAsync"/>).</summary>
    private async Task<string?> AdmittedUserAsync(UpgradeHead head)
    {
        var query = QueryHelpers.ParseQuery(head.Query);
        var admission = await endpoint.AdmitAsync(head.Origin, $"http://{head.Host}", query.GetValueOrDefault("name"), query.GetValueOrDefault("token"));
        return admission.User;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} sent nothing in {Timeout}; passed on to Kestrel's HTTP layer")]
    private partial void LogSilent(string connectionId, TimeSpan timeout);
}
