using System.Buffers;
using System.Collections.Concurrent;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// The one queue that sends what the gateway's directly taken sockets have buffered
/// (<see cref="KeepAliveStream"/>): one thread-pool item at a time drains it, socket after socket,
/// as Kestrel's <c>IOQueue</c> runs its transport's sends (dotnet/aspnetcore's
/// <c>Transport.Sockets/src/Internal/IOQueue.cs</c>). A fan-out only copies each socket's frame into
/// that socket's buffer and goes on to the next; the system calls happen here, beside it, and the
/// frames a socket got back to back go out in one. One send per frame on the fan-out's own thread
/// made a large room's fan-out far slower (docs/decisions/0024-sockets-taken-before-kestrel.md).
/// </summary>
public sealed class SendQueue : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<KeepAliveStream> _streams = new();
    private int _draining;

    /// <summary>
    /// The buffers that hold a socket's bytes until they are sent. Its own pool, not the shared one:
    /// a fan-out has a buffer out for each of a room's sockets at once, more than the shared pool
    /// keeps, and those would be garbage after every message.
    /// </summary>
    internal ArrayPool<byte> Buffers { get; } = ArrayPool<byte>.Create(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 4096);

    /// <summary>Queues <paramref name="stream"/>'s buffered bytes for sending.</summary>
    internal void Schedule(KeepAliveStream stream)
    {
        _streams.Enqueue(stream);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <inheritdoc />
    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            while (_streams.TryDequeue(out var stream))
            {
                stream.SendBuffered();
            }

            Volatile.Write(ref _draining, 0);
            // A stream queued after the last dequeue and before the flag went down would otherwise wait for the next one.
            if (_streams.IsEmpty || Interlocked.Exchange(ref _draining, 1) == 1)
            {
                return;
            }
        }
    }
}
