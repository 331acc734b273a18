using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace OrleansChat.Baseline.Transport;

/// <summary>
/// The transport of one WebSocket: a read loop that waits with a zero-byte read (an idle socket
/// holds no buffer) and enforces the frame limits, and a single writer loop fed by a bounded
/// queue. Anyone may <see cref="Enqueue"/> without blocking; a full queue closes the socket
/// with 1013 rather than stall the room that was broadcasting.
/// </summary>
internal sealed partial class ChatSocket : IDisposable
{
    /// <summary>Close code 1013, "try again later", which the protocol uses for slow consumers.</summary>
    private const WebSocketCloseStatus SlowConsumer = (WebSocketCloseStatus)1013;

    private readonly WebSocket _socket;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ChatLimits.OutboundQueue)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationTokenSource _abort = new();
    private int _closeStatus;
    private volatile bool _finishing;

    public ChatSocket(WebSocket socket, string user, ILogger logger)
    {
        _socket = socket;
        User = user;
        _logger = logger;
    }

    public string User { get; }

    public void Enqueue(byte[] frame)
    {
        if (!_outbound.Writer.TryWrite(frame) && !_finishing)
        {
            Close(SlowConsumer);
        }
    }

    /// <summary>Runs both loops until the socket closes; <paramref name="onFrame"/> sees each complete text frame.</summary>
    public async Task RunAsync(Action<ChatSocket, ReadOnlyMemory<byte>> onFrame, CancellationToken stopping)
    {
        var writer = WriteLoopAsync();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping, _abort.Token);
        try
        {
            await ReadLoopAsync(onFrame, reading.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer that vanished or a socket aborted after a server-side close: nothing to report.
        }
        finally
        {
            if (stopping.IsCancellationRequested)
            {
                Close(WebSocketCloseStatus.EndpointUnavailable);
            }

            _finishing = true;
            _outbound.Writer.TryComplete();
            await writer;
        }
    }

    public void Dispose() => _abort.Dispose();

    private async Task ReadLoopAsync(Action<ChatSocket, ReadOnlyMemory<byte>> onFrame, CancellationToken cancellationToken)
    {
        while (true)
        {
            var first = await _socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
            if (first.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            if (first.MessageType == WebSocketMessageType.Binary)
            {
                Close(WebSocketCloseStatus.InvalidMessageType);
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(ChatLimits.MaxFrameBytes);
            try
            {
                var count = 0;
                var complete = first.EndOfMessage;
                while (!complete)
                {
                    if (count == ChatLimits.MaxFrameBytes)
                    {
                        Close(WebSocketCloseStatus.MessageTooBig);
                        return;
                    }

                    var result = await _socket.ReceiveAsync(buffer.AsMemory(count, ChatLimits.MaxFrameBytes - count), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    count += result.Count;
                    complete = result.EndOfMessage;
                }

                onFrame(this, buffer.AsMemory(0, count));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (Volatile.Read(ref _closeStatus) == 0 && reader.TryRead(out var frame))
                {
                    await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }

                if (Volatile.Read(ref _closeStatus) != 0)
                {
                    break;
                }
            }

            var status = Volatile.Read(ref _closeStatus) is var code and not 0 ? (WebSocketCloseStatus)code : WebSocketCloseStatus.NormalClosure;
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(ChatLimits.CloseTimeout);
                await _socket.CloseOutputAsync(status, Description(status), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogSendFailed(_logger, User, ex.Message);
            _socket.Abort();
        }
    }

    /// <summary>
    /// Starts a server-side close: the writer stops sending queued frames and sends the close
    /// frame; if the handshake (or a send stuck on a peer that stopped reading) has not finished
    /// in time, cancelling the read aborts the socket.
    /// </summary>
    private void Close(WebSocketCloseStatus status)
    {
        if (Interlocked.CompareExchange(ref _closeStatus, (int)status, 0) != 0)
        {
            return;
        }

        _outbound.Writer.TryComplete();
        try
        {
            _abort.CancelAfter(ChatLimits.CloseTimeout * 2);
        }
        catch (ObjectDisposedException)
        {
            // The socket already finished.
        }
    }

    private static string Description(WebSocketCloseStatus status) => (int)status switch
    {
        1001 => "server shutting down",
        1003 => "binary frames are not accepted",
        1009 => "frame too big",
        1013 => "slow consumer",
        _ => string.Empty,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Socket of {User} failed while sending: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string user, string reason);
}
