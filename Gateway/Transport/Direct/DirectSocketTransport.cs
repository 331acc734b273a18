using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// Kestrel's transport for the gateway's TCP endpoints when <c>Chat:Gateway:DirectUpgrade</c> is on
/// (the default): a <see cref="DirectSocketListener"/> per endpoint, bound as Kestrel's socket
/// transport binds (<see cref="SocketTransportOptions.CreateBoundListenSocket"/>, its backlog and
/// no-delay settings) and handing connections on with that transport's own settings. Kestrel tries
/// the transport registered last first, and this one declines any other endpoint (and every
/// endpoint when the setting is off), which then goes to Kestrel's socket transport as usual.
/// </summary>
public sealed class DirectSocketTransport(
    IOptions<SocketTransportOptions> sockets,
    IOptions<TransportOptions> transport,
    IOptions<KestrelServerOptions> kestrelOptions,
    DirectUpgrade upgrade,
    ISocketHost host,
    ConnectionRegistry registry,
    DirectConnectionMetrics metrics,
    ILoggerFactory loggers) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    /// <inheritdoc />
    public bool CanBind(EndPoint endpoint) => transport.Value.DirectUpgrade && endpoint is IPEndPoint;

    /// <inheritdoc />
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var options = sockets.Value;
        Socket listen;
        try
        {
            listen = options.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // As Kestrel's socket transport reports it (its "address in use" start-up error).
            throw new AddressInUseException(exception.Message, exception);
        }

        listen.Listen(options.Backlog);
        var kestrel = new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions
            {
                IOQueueCount = options.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = options.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = options.MaxReadBufferSize,
                MaxWriteBufferSize = options.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = options.UnsafePreferInlineScheduling,
            },
            loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        return new ValueTask<IConnectionListener>(new DirectSocketListener(listen, options.NoDelay, kestrelOptions.Value.Limits.MaxConcurrentConnections, upgrade, host, registry, kestrel, metrics, loggers.CreateLogger<DirectSocketListener>()));
    }
}
