using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// Kestrel's listener for one endpoint (<see cref="DirectSocketTransport"/>): it accepts the
/// sockets itself, serves a WebSocket upgrade it can take (<see cref="DirectUpgrade"/>) on the
/// socket alone, and hands every other connection, unread, to Kestrel as Kestrel's own socket
/// transport would (<see cref="SocketConnectionContextFactory"/>, the transport's public factory
/// for sockets accepted elsewhere), where the HTTP pipeline serves it.
/// </summary>
/// <remarks>
/// Kestrel's accept loop calls <see cref="AcceptAsync"/> and its connection manager only ever sees
/// the connections handed on, so the ones served here are stopped here: when Kestrel disposes the
/// listener, after the drain (<see cref="Hosting.DrainOnShutdown"/>) has had its time (waited for in
/// <see cref="UnbindAsync"/>, within the shutdown's token), the sockets still open are aborted (<see cref="ConnectionRegistry.AbortAll"/>), as Kestrel aborts its own
/// connections left at the end of a shutdown.
/// </remarks>
public sealed partial class DirectSocketListener : IConnectionListener
{
    private static readonly TimeSpan AbortWait = TimeSpan.FromSeconds(5);

    private readonly Socket _listen;
    private readonly bool _noDelay;
    private readonly DirectUpgrade _upgrade;
    private readonly ISocketHost _host;
    private readonly ConnectionRegistry _registry;
    private readonly SocketConnectionContextFactory _kestrel;
    private readonly DirectConnectionMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _handedOn = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _allEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;
    private readonly long? _connectionLimit;
    private int _connections;
    private long _open;

    /// <summary>
    /// Starts accepting on <paramref name="listen"/>, a socket already bound and listening, at most
    /// <paramref name="connectionLimit"/> connections at once (Kestrel's <c>MaxConcurrentConnections</c>).
    /// </summary>
    public DirectSocketListener(Socket listen, bool noDelay, long? connectionLimit, DirectUpgrade upgrade, ISocketHost host, ConnectionRegistry registry, SocketConnectionContextFactory kestrel, DirectConnectionMetrics metrics, ILogger logger)
    {
        _listen = listen;
        _connectionLimit = connectionLimit;
        _noDelay = noDelay;
        _upgrade = upgrade;
        _host = host;
        _registry = registry;
        _kestrel = kestrel;
        _metrics = metrics;
        _logger = logger;
        EndPoint = listen.LocalEndPoint!;
        _accepting = AcceptLoopAsync();
    }

    /// <inheritdoc />
    public EndPoint EndPoint { get; }

    /// <inheritdoc />
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _handedOn.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Unbound: Kestrel's accept loop ends on null.
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _listen.Dispose();
        await _accepting;
        // Kestrel gives its own connections the rest of the shutdown to close after unbinding, and
        // only then disposes the listener (TransportManagerBase.StopTransportsAsync: UnbindAsync,
        // CloseAllConnectionsAsync with the same token, abort, DisposeAsync). The sockets served here
        // are not Kestrel's, so they get that time here: a drain under way (ApplicationStopping fired
        // first) sends what each socket holds and its 1001 before DisposeAsync aborts what is left.
        if (!_registry.IsAccepting)
        {
            try
            {
                await _registry.WaitForEmptyAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The shutdown timeout ran out: DisposeAsync aborts the rest, as Kestrel aborts its own.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _listen.Dispose();
        await _accepting;
        // Upgrades in progress stop; sockets still open after the drain are aborted.
        _stopping.Cancel();
        _registry.AbortAll();
        if (Interlocked.Decrement(ref _connections) < 0)
        {
            _allEnded.TrySetResult();
        }

        try
        {
            // Aborted sockets end at once; a bound keeps a stuck one from holding up the process's exit.
            await _allEnded.Task.WaitAsync(AbortWait);
        }
        catch (TimeoutException)
        {
            LogNotEnded(Volatile.Read(ref _connections) + 1, AbortWait);
        }

        while (_handedOn.Reader.TryRead(out var left))
        {
            await left.DisposeAsync();
        }

        _kestrel.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listen.AcceptAsync();
            }
            catch (Exception exception) when (exception is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                // Unbound.
                break;
            }
            catch (SocketException exception)
            {
                // Reset while in the backlog, as Kestrel's own listener takes it: go on to the next.
                LogAcceptFailed(exception.SocketErrorCode);
                continue;
            }

            // Only IP endpoints are bound here (DirectSocketTransport.CanBind), so every socket is TCP;
            // Kestrel's own listener asks each socket for its local endpoint (a system call) to know.
            socket.NoDelay = _noDelay;
            var measured = _metrics.Accepted(socket);
            if (!TryOpen())
            {
                // As Kestrel's ConnectionLimitMiddleware (one per endpoint) refuses it: closed unread, no answer.
                LogRejected(socket.RemoteEndPoint, _connectionLimit);
                Shut(socket);
                _metrics.Rejected(measured);
                continue;
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket, measured);
        }

        _handedOn.Writer.TryComplete();
    }

    private async Task ServeAsync(Socket socket, DirectConnectionMetrics.Connection measured)
    {
        // A connection counts against MaxConcurrentConnections until it is upgraded, as in Kestrel
        // (HttpProtocol's upgrade releases it), or, when handed on, until Kestrel has closed it.
        var counted = true;
        // In Kestrel's metrics until handed on (Kestrel measures it from then), or until it ends here.
        var measuredHere = true;
        var upgraded = false;
        string? errorType = null;
        try
        {
            var (admitted, silent) = await _upgrade.TryUpgradeAsync(socket, _stopping.Token);
            if (silent)
            {
                errorType = DirectConnectionMetrics.KeepAliveTimeout;
                Shut(socket);
                return;
            }

            if (admitted is not { } admission)
            {
                _metrics.HandedOn(measured);
                measuredHere = false;
                var connection = _kestrel.Create(socket);
                counted = false;
                connection.ConnectionClosed.Register(static state => ((DirectSocketListener)state!).Close(), this);
                if (!_handedOn.Writer.TryWrite(connection))
                {
                    // Unbound while it was being read: nobody is left to serve it.
                    await connection.DisposeAsync();
                }

                return;
            }

            Close();
            counted = false;

            // The socket's whole life runs in this frame: every async frame stays allocated while it is open.
            await using var taken = _upgrade.Accept(socket);
            _metrics.UpgradeStarted(measured);
            upgraded = true;
            await _host.RunAsync(taken.WebSocket, admission);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away (or the gateway is stopping) before the socket was taken.
            socket.Dispose();
        }
        catch (Exception exception)
        {
            LogFailed(exception);
            socket.Dispose();
        }
        finally
        {
            if (counted)
            {
                Close();
            }

            if (upgraded)
            {
                _metrics.UpgradeEnded(measured);
            }

            if (measuredHere)
            {
                _metrics.Ended(measured, errorType);
            }

            if (Interlocked.Decrement(ref _connections) < 0)
            {
                _allEnded.TrySetResult();
            }
        }
    }

    /// <summary>Shuts a connection down and closes it, as Kestrel's socket transport ends one.</summary>
    private static void Shut(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }

        socket.Dispose();
    }

    private bool TryOpen() => SlotCount.TryTake(ref _open, _connectionLimit);

    private void Close() => Interlocked.Decrement(ref _open);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Connection from {Remote} refused: {Limit} connections are open (MaxConcurrentConnections)")]
    private partial void LogRejected(EndPoint? remote, long? limit);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Accepting a connection failed ({Error}); accepting the next")]
    private partial void LogAcceptFailed(SocketError error);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "{Count} directly served connections had not ended {Wait} after they were aborted")]
    private partial void LogNotEnded(int count, TimeSpan wait);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "A directly served connection failed")]
    private partial void LogFailed(Exception exception);
}
