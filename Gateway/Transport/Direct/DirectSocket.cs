using System.Net.Sockets;
using System.Net.WebSockets;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// A socket <see cref="DirectUpgrade"/> took, with the framework's <see cref="System.Net.WebSockets.WebSocket"/>
/// over it. Disposing it ends the connection as Kestrel ends one: what the WebSocket has written (its
/// close frame last) goes to the wire first, within the close timeout, and only then is the socket
/// shut down and closed (Kestrel's <c>SocketConnection</c> completes its output pipe, lets its sender
/// finish, then calls <c>Shutdown(SocketShutdown.Both)</c> and disposes the socket).
/// </summary>
public sealed class DirectSocket : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly KeepAliveStream _stream;
    private readonly IDisposable _pings;
    private readonly ConnectionRegistry _registry;
    private readonly TimeSpan _closeTimeout;

    internal DirectSocket(Socket socket, KeepAliveStream stream, WebSocket webSocket, IDisposable pings, ConnectionRegistry registry, TimeSpan closeTimeout)
    {
        (_socket, _stream, _pings, _registry, _closeTimeout) = (socket, stream, pings, registry, closeTimeout);
        WebSocket = webSocket;
    }

    /// <summary>The WebSocket over the connection.</summary>
    public WebSocket WebSocket { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _pings.Dispose();
        try
        {
            // An aborted socket's stream is disposed already, and this completes at once.
            await _stream.DrainAsync().WaitAsync(_closeTimeout);
        }
        catch (TimeoutException)
        {
            // The peer stopped reading: what is left is dropped, as an abort drops it.
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already reset or closed.
        }

        // Disposes the stream and the socket (which ends a send still stuck on a peer that stopped reading).
        WebSocket.Dispose();
        _socket.Dispose();
        _registry.ReleaseSocket();
    }
}
