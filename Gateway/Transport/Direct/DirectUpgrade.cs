using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Security;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// Takes a WebSocket upgrade to <c>/ws</c> straight off an accepted socket, before Kestrel sees
/// the connection (<see cref="DirectSocketListener"/>), and runs the framework's
/// <see cref="WebSocket"/> over the socket itself. A socket upgraded through Kestrel keeps Kestrel's
/// connection for its whole life: its transport (two pipes, a sender and a receiver, the connection
/// records and their state machines) and, through the HTTP pipeline, the request's objects too
/// (docs/decisions/0023-websocket-upgrade-off-the-http-pipeline.md and
/// 0024-sockets-taken-before-kestrel.md). A socket taken here keeps the runtime's <see cref="Socket"/>, a
/// <see cref="NetworkStream"/> and the WebSocket.
/// </summary>
/// <remarks>
/// <para>
/// Only a request this class can accept as it stands is taken: a complete, well-formed head in the
/// bytes the connection has sent when it is first readable (<see cref="UpgradeHead"/>) that the
/// endpoint's own rules admit (<see cref="ISocketHost.AdmitAsync"/>: origin, name or token,
/// not draining). The head is only peeked at (<see cref="SocketFlags.Peek"/>) until then, so anything
/// else, refusals included, goes to Kestrel with every byte unread, and the HTTP pipeline's
/// <c>/ws</c> endpoint applies the same rules and gives the 400, 401, 403 or 503: the
/// rules are written once, and one place answers a request.
/// </para>
/// <para>
/// It sees the connection's raw bytes, so it must run where those are plain HTTP: with Kestrel's
/// own HTTPS on an endpoint, it finds no request it can read and every upgrade takes the HTTP
/// pipeline (still correct). The gateway is meant to sit behind a TLS-terminating proxy or ingress.
/// </para>
/// </remarks>
public sealed partial class DirectUpgrade(
    ISocketHost host,
    SocketKeepAlive keepAlive,
    SendQueue sends,
    ForwardedOrigin forwardedOrigin,
    IOptions<KestrelServerOptions> kestrel,
    IOptions<TransportOptions> transport,
    ConnectionRegistry registry,
    ILogger<DirectUpgrade> logger)
{
    // Kestrel's Heartbeat.Interval: its timeouts are checked once a second, and fire one interval after their due time.
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Waits for the connection's first bytes and, for an upgrade this gateway accepts, reads the head
    /// and answers <c>101</c>, returning who it connects as; otherwise reads nothing and returns no
    /// identity. <c>Silent</c> is a connection that sent nothing for as long as Kestrel waits for a
    /// first request: the caller closes it, as Kestrel does.
    /// </summary>
    public async Task<(ChatIdentity? Identity, bool Silent)> TryUpgradeAsync(Socket socket, CancellationToken stopping)
    {
        // Kestrel waits KeepAliveTimeout for a connection's first byte (Http1Connection starts each request,
        // the first included, on the keep-alive timeout, and moves to RequestHeadersTimeout once bytes come),
        // and its heartbeat acts on a timeout one interval (1 s) after it. A silent connection is closed here
        // then, as Kestrel closes it: handed to Kestrel after a wait of its own, it got Kestrel's whole wait again.
        var limits = kestrel.Value.Limits;
        using (var silence = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            var wait = limits.KeepAliveTimeout + HeartbeatInterval;
            if (wait.TotalMilliseconds < int.MaxValue - 1)
            {
                silence.CancelAfter(wait);
            }

            try
            {
                // A zero-byte receive waits until the socket is readable and takes nothing.
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, silence.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                LogSilent(socket.RemoteEndPoint, wait);
                return (null, true);
            }
        }

        var buffer = ArrayPool<byte>.Shared.Rent(UpgradeHead.MaxLength + 4);
        var slot = false;
        try
        {
            var peeked = await socket.ReceiveAsync(buffer, SocketFlags.Peek, stopping);
            var head = UpgradeHead.TryParse(new ReadOnlySequence<byte>(buffer, 0, peeked), limits, out var length);
            if (head is not null && peeked > length && !StartsLikeAClientFrame(buffer.AsSpan((int)length, peeked - (int)length)))
            {
                // Bytes after the head that are not a WebSocket frame (a second request, say) are Kestrel's to judge.
                head = null;
            }

            var admitted = head is null ? null : await AdmitAsync(head, socket.RemoteEndPoint as IPEndPoint);
            // Past MaxConcurrentUpgradedConnections the request goes on to the HTTP pipeline, which refuses it as Kestrel does.
            if (admitted is null || !(slot = registry.TryTakeSocket(limits.MaxConcurrentUpgradedConnections)))
            {
                return (null, false);
            }

            // A client that has sent its FIN already (a request, then shutdown(SHUT_WR)) is one Kestrel does not answer:
            // Kestrel takes a FIN as the end of the connection (HttpConnection.OnConnectionClosed → Http1Connection's
            // OnInputOrOutputCompleted aborts the output), so the response goes out only if written before the FIN is
            // read. Taken here it got a 101; it goes to Kestrel unread instead, which reads the head and the FIN.
            if (PeerHasEnded(socket))
            {
                LogEnded(socket.RemoteEndPoint);
                return (null, false);
            }

            // The head is in the socket's receive buffer already; bytes after it stay for the WebSocket.
            for (var taken = 0; taken < length;)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(0, (int)length - taken), SocketFlags.None, stopping);
                if (read == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }

                taken += read;
            }

            await socket.SendAsync(head!.SwitchingProtocols(), SocketFlags.None, stopping);
            slot = false;
            return (admitted, false);
        }
        finally
        {
            if (slot)
            {
                registry.ReleaseSocket();
            }

            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The framework's WebSocket over an upgraded socket, pinged by the gateway's one keep-alive
    /// sweep (not a runtime timer per socket) until it is disposed; disposing it sends what the
    /// WebSocket wrote, then closes the socket.
    /// </summary>
    public DirectSocket Accept(Socket socket)
    {
        var stream = new KeepAliveStream(new NetworkStream(socket, ownsSocket: true), sends);
        var webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.Zero,
        });
        return new DirectSocket(socket, stream, webSocket, keepAlive.Track(webSocket, stream), registry, transport.Value.CloseTimeout);
    }

    /// <summary>
    /// Whether the peer's FIN has come (the connection is in CLOSE_WAIT), read without taking a byte: Linux's
    /// <c>TCP_INFO</c> starts with the connection's state (<c>tcpi_state</c>, include/uapi/linux/tcp.h;
    /// <c>TCP_CLOSE_WAIT</c> is 8 in include/net/tcp_states.h). Neither a peek nor a zero-byte receive tells
    /// it while the head is unread. Elsewhere, false.
    /// </summary>
    private static bool PeerHasEnded(Socket socket)
    {
        const int IpProtoTcp = 6, TcpInfo = 11, TcpCloseWait = 8;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        Span<byte> info = stackalloc byte[8];
        try
        {
            return socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info) > 0 && info[0] == TcpCloseWait;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // RFC 6455 section 5.2: no reserved bits, a defined opcode, and (from a client) the mask bit.
    private static bool StartsLikeAClientFrame(ReadOnlySpan<byte> bytes) =>
        (bytes[0] & 0x70) == 0 && (bytes[0] & 0x0F) is 0 or 1 or 2 or 8 or 9 or 10 && (bytes.Length < 2 || (bytes[1] & 0x80) != 0);

    /// <summary>Who the request connects as, when the gateway's rules admit it (<see cref="ISocketHost.AdmitAsync"/>).</summary>
    private async Task<ChatIdentity?> AdmitAsync(UpgradeHead head, IPEndPoint? peer)
    {
        // With its '?', as the HTTP pipeline parses Request.QueryString: ParseQuery drops one leading '?' (so "/ws??name=a" has no name there either).
        var query = QueryHelpers.ParseQuery("?" + head.Query);
        // The gateway's own origin as the HTTP pipeline sees it after UseForwardedHeaders (https behind a trusted ingress).
        var own = forwardedOrigin.Of(peer?.Address, head.Host, head.ForwardedFor, head.ForwardedProto, head.ForwardedHost);
        var admission = await host.AdmitAsync(head.Origin, own, query.GetValueOrDefault("name"), query.GetValueOrDefault("token"));
        return admission.Identity;
    }

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "Connection from {Remote} ended its side after its upgrade request; left to Kestrel, which does not answer it")]
    private partial void LogEnded(System.Net.EndPoint? remote);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Connection from {Remote} sent nothing in {Timeout}; closed, as Kestrel closes it")]
    private partial void LogSilent(System.Net.EndPoint? remote, TimeSpan timeout);
}
