using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// One accepted WebSocket: a read loop that enforces the frame limits and a single writer loop
/// fed from a bounded queue. It knows nothing of rooms; complete text frames go to a handler
/// and frames to send come in through <see cref="TrySend"/>. A slow reader fills only its own
/// queue and is closed with 1013; it never slows the code that queues for it.
/// </summary>
public sealed partial class WebSocketConnection(WebSocket socket, string id, TransportLimits limits, ILogger logger) : IDisposable
{
    /// <summary>Close code for a peer that does not keep up with its outbound queue.</summary>
    public const WebSocketCloseStatus SlowConsumer = (WebSocketCloseStatus)1013;

    private readonly Channel<ReadOnlyMemory<byte>> _outbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(limits.OutboundQueueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly CancellationTokenSource _aborted = new();
    private int _closeRequested;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = "";

    /// <summary>The id sent to the client in <c>welcome</c>.</summary>
    public string Id { get; } = id;

    /// <summary>Frames waiting to be written.</summary>
    public int QueuedFrames => _outbound.Reader.Count;

    /// <summary>Raised when a droppable frame was not queued because the queue was over half full.</summary>
    public event Action? FrameDropped;

    /// <summary>Raised when the connection is closed because its queue overflowed.</summary>
    public event Action? SlowConsumerClosed;

    /// <summary>Raised after each frame is written to the socket.</summary>
    public event Action? FrameSent;

    /// <summary>
    /// Queues a text frame. A droppable frame (typing) is dropped once the queue is half full;
    /// any frame that does not fit closes the socket with 1013. The bytes may be shared with other sockets.
    /// </summary>
    public bool TrySend(ReadOnlyMemory<byte> frame, bool droppable = false)
    {
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            return false;
        }

        if (droppable && _outbound.Reader.Count * 2 >= limits.OutboundQueueLimit)
        {
            FrameDropped?.Invoke();
            return false;
        }

        if (_outbound.Writer.TryWrite(frame))
        {
            return true;
        }

        SlowConsumerClosed?.Invoke();
        RequestClose(SlowConsumer, "slow consumer");
        return false;
    }

    /// <summary>
    /// Starts closing: nothing more is queued, the writer sends the close frame after the frame
    /// it is writing, and the socket is aborted if the peer has not completed the close in time.
    /// </summary>
    public void RequestClose(WebSocketCloseStatus status, string description)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        (_closeStatus, _closeDescription) = (status, description);
        _outbound.Writer.TryComplete();
        _aborted.CancelAfter(limits.CloseTimeout);
    }

    /// <summary>Runs the read and write loops until the socket is closed or aborted.</summary>
    public async Task RunAsync(Func<ReadOnlyMemory<byte>, Task> onFrame)
    {
        var writer = Task.Run(WriteLoopAsync);
        try
        {
            await ReadLoopAsync(onFrame);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer that vanishes or a close that timed out is an ordinary end of a connection.
            LogReadEnded(Id, exception.Message);
        }
        finally
        {
            RequestClose(WebSocketCloseStatus.NormalClosure, "");
            await writer;
            await AwaitPeerCloseAsync();
            if (socket.State != WebSocketState.Closed)
            {
                socket.Abort();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _aborted.Dispose();

    private async Task ReadLoopAsync(Func<ReadOnlyMemory<byte>, Task> onFrame)
    {
        while (Volatile.Read(ref _closeRequested) == 0)
        {
            // Wait for data without holding a buffer, so an idle socket costs no receive memory.
            var peek = await socket.ReceiveAsync(Memory<byte>.Empty, _aborted.Token);
            if (peek.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(limits.MaxFrameBytes + 1);
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

                if (length > limits.MaxFrameBytes)
                {
                    RequestClose(WebSocketCloseStatus.MessageTooBig, $"frames are limited to {limits.MaxFrameBytes} bytes");
                    continue;
                }

                if (Volatile.Read(ref _closeRequested) == 0)
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

    /// <summary>After our close frame, reads (and discards) until the peer's close arrives or the close timeout passes.</summary>
    private async Task AwaitPeerCloseAsync()
    {
        if (socket.State != WebSocketState.CloseSent)
        {
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while ((await socket.ReceiveAsync(scratch.AsMemory(), _aborted.Token)).MessageType != WebSocketMessageType.Close)
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
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), _aborted.Token);
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

    private async Task WriteLoopAsync()
    {
        // The per-frame calls take no token: ManagedWebSocket sends a frame on its synchronous path only without
        // one (SendFrameAsync in dotnet/runtime's ManagedWebSocket.cs goes to an async fallback that registers with a
        // cancelable token), and a channel reuses its single waiter only without one. A close that overruns its
        // timeout aborts the socket instead, which fails a pending send; the queue is already completed by then.
        using var abortOnTimeout = _aborted.Token.UnsafeRegister(static state => ((WebSocket)state!).Abort(), socket);
        try
        {
            var reader = _outbound.Reader;
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var frame))
                {
                    if (_closeStatus != WebSocketCloseStatus.NormalClosure)
                    {
                        // A close for cause drops whatever is still queued.
                        break;
                    }

                    await socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
                    FrameSent?.Invoke();
                }
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(_closeStatus, _closeDescription, _aborted.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogWriteEnded(Id, exception.Message);
            socket.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId}: read loop ended: {Reason}")]
    private partial void LogReadEnded(string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId}: write loop ended: {Reason}")]
    private partial void LogWriteEnded(string connectionId, string reason);
}
