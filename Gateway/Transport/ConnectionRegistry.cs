using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace OrleansChat.Gateway.Transport;

/// <summary>The open sockets of this gateway, so that a shutdown can close them all with 1001 (drain).</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<WebSocketConnection, byte> _connections = new();
    private readonly TaskCompletionSource _emptied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _draining;
    private long _slots;

    /// <summary>Open sockets.</summary>
    public int Count => _connections.Count;

    /// <summary>False once the gateway started draining: new sockets are refused.</summary>
    public bool IsAccepting => !_draining;

    /// <summary>
    /// Takes one of <paramref name="limit"/> socket slots (Kestrel's <c>MaxConcurrentUpgradedConnections</c>,
    /// null for no limit), shared by both ways of accepting a socket, as Kestrel's own count is shared by
    /// its connections; false when all are taken. Each slot taken is given back with <see cref="ReleaseSocket"/>.
    /// </summary>
    public bool TryTakeSocket(long? limit) => SlotCount.TryTake(ref _slots, limit);

    /// <summary>Gives back a slot taken with <see cref="TryTakeSocket"/>.</summary>
    public void ReleaseSocket() => Interlocked.Decrement(ref _slots);

    /// <summary>Tracks a socket until the returned handle is disposed.</summary>
    public IDisposable Add(WebSocketConnection connection)
    {
        _connections.TryAdd(connection, 0);
        return new Registration(this, connection);
    }

    /// <summary>Stops accepting and asks every open socket to close with 1001 so its client reconnects elsewhere.</summary>
    public void Drain()
    {
        _draining = true;
        SignalIfDrained();
        foreach (var connection in _connections.Keys)
        {
            connection.RequestClose(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
        }
    }

    /// <summary>Aborts every open socket: the end of a shutdown, for those the drain did not close in time.</summary>
    public void AbortAll()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
    }

    /// <summary>Completes once draining has started and every socket has closed.</summary>
    public Task WaitForEmptyAsync(CancellationToken cancellationToken) => _emptied.Task.WaitAsync(cancellationToken);

    private void SignalIfDrained()
    {
        if (_draining && _connections.IsEmpty)
        {
            _emptied.TrySetResult();
        }
    }

    private sealed class Registration(ConnectionRegistry registry, WebSocketConnection connection) : IDisposable
    {
        public void Dispose()
        {
            registry._connections.TryRemove(connection, out _);
            registry.SignalIfDrained();
        }
    }
}
