using System.Buffers;
using System.Net.WebSockets;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// One accepted WebSocket: a read loop that enforces the frame limits, and an outbound queue with
/// one sender at a time. It knows nothing of rooms; complete text frames go to a handler and frames
/// to send come in through <see cref="TrySend"/>. A slow reader fills only its own queue and is
/// closed with 1013; it never slows the code that queues for it.
/// </summary>
/// <remarks>
/// There is no writer task per socket. A <see cref="TrySend"/> that finds the socket idle becomes
/// its sender and writes on the calling thread, so a fan-out hands each idle socket its frame
/// without a thread-pool hop. It returns as soon as a send does not complete at once (the peer is
/// behind); the rest of the queue is then sent from that send's continuation. A send that
/// completes at once has only copied the frame into the socket's buffer (<see cref="Direct.KeepAliveStream"/>,
/// or Kestrel's output pipe for a socket upgraded through HTTP): the system call happens on the
/// gateway's <see cref="Direct.SendQueue"/> (or Kestrel's I/O queue), which sends the frames written in a
/// row together.
/// </remarks>
public sealed partial class WebSocketConnection : IDisposable
{
    /// <summary>Close code for a peer that does not keep up with its outbound queue.</summary>
    public const WebSocketCloseStatus SlowConsumer = (WebSocketCloseStatus)1013;

    private readonly WebSocket _socket;
    private readonly TransportLimits _limits;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private readonly TaskCompletionSource _senderDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _sync. The queue is made on first use, so an idle socket holds none.
    private Queue<ReadOnlyMemory<byte>>? _outbound;
    private bool _sending;
    private bool _closeRequested;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = "";

    // Made by the close: until then a socket holds no timer, no cancellation source and, as its
    // reads are not cancelable, no registration for a pending read (ManagedWebSocket's receive
    // registers an abort with a cancelable token, and the socket's receive another).
    private Timer? _closeTimeout;

    // Set by the read loop when the WebSocket failed the peer for a protocol error (it has sent its own close).
    private bool _peerFailed;

    /// <summary>Wraps an accepted socket; <paramref name="id"/> is sent to the client in <c>welcome</c>.</summary>
    public WebSocketConnection(WebSocket socket, string id, TransportLimits limits, ILogger logger)
    {
        _socket = socket;
        _limits = limits;
        _logger = logger;
        Id = id;
    }

    private enum Queued
    {
        StartSending,
        Queued,
        Closed,
        Dropped,
        Overflow,
    }

    /// <summary>The id sent to the client in <c>welcome</c>.</summary>
    public string Id { get; }

    /// <summary>Frames waiting to be written (not counting one being written).</summary>
    public int QueuedFrames
    {
        get
        {
            lock (_sync)
            {
                return _outbound?.Count ?? 0;
            }
        }
    }

    /// <summary>Raised when a droppable frame was not queued because the queue was over half full.</summary>
    public event Action? FrameDropped;

    /// <summary>Raised when the connection is closed because its queue overflowed.</summary>
    public event Action? SlowConsumerClosed;

    /// <summary>Raised after each frame is written to the socket.</summary>
    public event Action? FrameSent;

    /// <summary>
    /// Raised once, on the thread that starts the close (a fan-out, a timer, the read loop), as soon as
    /// nothing more can be queued: the socket's owner lets go of what it holds (its rooms) at once
    /// rather than when the peer has answered the close or the close timed out.
    /// </summary>
    public event Action? Closing;

    /// <summary>
    /// Queues a text frame and, if the socket is idle, starts sending on this thread. A droppable
    /// frame (typing) is dropped once the queue is half full; any frame that does not fit closes the
    /// socket with 1013. It never waits on the peer and never throws for the socket's sake. The
    /// bytes may be shared with other sockets.
    /// </summary>
    public bool TrySend(ReadOnlyMemory<byte> frame, bool droppable = false)
    {
        Queued outcome;
        lock (_sync)
        {
            var queued = _outbound?.Count ?? 0;
            if (_closeRequested)
            {
                outcome = Queued.Closed;
            }
            else if (droppable && queued * 2 >= _limits.OutboundQueueLimit)
            {
                outcome = Queued.Dropped;
            }
            else if (queued >= _limits.OutboundQueueLimit)
            {
                outcome = Queued.Overflow;
            }
            else
            {
                (_outbound ??= new Queue<ReadOnlyMemory<byte>>()).Enqueue(frame);
                outcome = _sending ? Queued.Queued : Queued.StartSending;
                _sending = true;
            }
        }

        switch (outcome)
        {
            case Queued.StartSending:
                _ = SendQueuedAsync();
                return true;
            case Queued.Queued:
                return true;
            case Queued.Dropped:
                FrameDropped?.Invoke();
                return false;
            case Queued.Overflow:
                SlowConsumerClosed?.Invoke();
                RequestClose(SlowConsumer, "slow consumer");
                return false;
            case Queued.Closed:
            default:
                return false;
        }
    }

    /// <summary>
    /// Starts closing: nothing more is queued, the close frame goes out after every frame already
    /// queued (whatever the cause: a reader that resumes reads what it was sent, then the close), and
    /// the socket is aborted if the peer has not completed the close in time.
    /// </summary>
    public void RequestClose(WebSocketCloseStatus status, string description)
    {
        bool startSender;
        lock (_sync)
        {
            if (_closeRequested)
            {
                return;
            }

            _closeRequested = true;
            (_closeStatus, _closeDescription) = (status, description);
            startSender = !_sending;
            _sending = true;
        }

        Closing?.Invoke();

        // A close that overruns its timeout aborts the socket, which fails a pending send or receive
        // (ManagedWebSocket.Abort disposes its stream): what a canceled token would do, without one.
        Volatile.Write(ref _closeTimeout, new Timer(static state => ((WebSocket)state!).Abort(), _socket, _limits.CloseTimeout, Timeout.InfiniteTimeSpan));
        if (startSender)
        {
            _ = SendQueuedAsync();
        }
    }

    /// <summary>Ends the socket at once: a pending read or send fails, and <see cref="RunAsync"/> ends.</summary>
    public void Abort() => _socket.Abort();

    /// <summary>Runs the read loop until the socket is closed or aborted, then completes the close.</summary>
    public async Task RunAsync(Func<ReadOnlyMemory<byte>, Task> onFrame)
    {
        // The read loop is written out here rather than in a method of its own: each async frame
        // stays allocated for the socket's life (about 150 bytes per idle socket).
        try
        {
            while (!Volatile.Read(ref _closeRequested))
            {
                // Wait for data without holding a buffer, so an idle socket costs no receive memory.
                var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (peek.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(_limits.MaxFrameBytes + 1);
                try
                {
                    var (length, type) = await ReceiveMessageAsync(buffer);
                    if (type == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (type == WebSocketMessageType.Binary)
                    {
                        RequestClose(WebSocketCloseStatus.InvalidMessageType, "binary frames are not accepted");
                        continue;
                    }

                    if (length > _limits.MaxFrameBytes)
                    {
                        RequestClose(WebSocketCloseStatus.MessageTooBig, $"frames are limited to {_limits.MaxFrameBytes} bytes");
                        continue;
                    }

                    if (!Volatile.Read(ref _closeRequested))
                    {
                        await onFrame(buffer.AsMemory(0, length));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (WebSocketException exception) when (exception.WebSocketErrorCode == WebSocketError.Faulted)
        {
            // The peer broke the protocol (a bad frame, bad UTF-8, a bad close): the WebSocket has sent its close
            // (1002 or 1007) after what it had been given and marked itself aborted without ending the connection
            // (dotnet/runtime's ManagedWebSocket: CloseWithReceiveErrorAndThrowAsync, then OnAborted, no Dispose).
            // RFC 6455 section 7.1.7 lets the server close TCP now; it must not abort, which would reset the
            // connection and drop that close (Kestrel closes an aborted connection with linger 0).
            Volatile.Write(ref _peerFailed, true);
            LogReadEnded(Id, exception.Message);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer that vanishes or a close that timed out is an ordinary end of a connection.
            LogReadEnded(Id, exception.Message);
        }
        finally
        {
            // A close from the peer is answered with its own code (RFC 6455 section 5.5.1), after what is queued.
            RequestClose(_socket.CloseStatus is { } peer and not WebSocketCloseStatus.Empty ? peer : WebSocketCloseStatus.NormalClosure, "");
            await _senderDone.Task;
            await AwaitPeerCloseAsync();
            if (_socket.State != WebSocketState.Closed && !Volatile.Read(ref _peerFailed))
            {
                _socket.Abort();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => Volatile.Read(ref _closeTimeout)?.Dispose();

    /// <summary>After our close frame, reads (and discards) until the peer's close arrives or the close timeout passes.</summary>
    private async Task AwaitPeerCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseSent)
        {
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while ((await _socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogReadEnded(Id, exception.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Reads one whole message; a length past the limit means it was too big (the rest is not read).</summary>
    private async Task<(int Length, WebSocketMessageType Type)> ReceiveMessageAsync(byte[] buffer)
    {
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            if (result.MessageType != WebSocketMessageType.Text)
            {
                return (0, result.MessageType);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return (length, result.MessageType);
            }

            if (length == buffer.Length)
            {
                return (length, result.MessageType);
            }
        }
    }

    /// <summary>
    /// The socket's one sender, started by whoever queued into an idle socket: sends until the queue
    /// is empty, then either hands the socket back (idle) or, once a close was requested, sends the
    /// close frame and stays the sender for good, so nothing is sent after it.
    /// </summary>
    private async Task SendQueuedAsync()
    {
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> frame;
                lock (_sync)
                {
                    if (_outbound is { Count: > 0 } queue)
                    {
                        frame = queue.Dequeue();
                    }
                    else if (_closeRequested)
                    {
                        break;
                    }
                    else
                    {
                        _sending = false;
                        return;
                    }
                }

                // No token: ManagedWebSocket sends a frame on its synchronous path only without one (SendFrameAsync in
                // dotnet/runtime's ManagedWebSocket.cs falls back to an async path that registers with a cancelable
                // token). A close that overruns its timeout aborts the socket instead, which fails a pending send.
                await _socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
                FrameSent?.Invoke();
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeDescription, CancellationToken.None);
            }
        }
        catch (Exception exception)
        {
            // Whatever failed the send (the peer went away, the socket was aborted), the socket is done for;
            // the queuing side never sees it.
            LogWriteEnded(Id, exception.Message);
            lock (_sync)
            {
                _closeRequested = true;
                _outbound?.Clear();
            }

            // An aborted WebSocket needs no second abort: the close timeout has aborted the connection already,
            // or the WebSocket failed the peer itself and the read loop ends the connection gracefully.
            if (_socket.State != WebSocketState.Aborted)
            {
                _socket.Abort();
            }
        }

        _senderDone.TrySetResult();
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: read loop ended: {Reason}")]
    private partial void LogReadEnded(string connectionId, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: sending ended: {Reason}")]
    private partial void LogWriteEnded(string connectionId, string reason);
}
