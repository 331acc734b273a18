using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using OrleansChat.Protocol;

namespace OrleansChat.Bench.Client;

/// <summary>
/// One WebSocket to the server under test: connects, waits for <c>welcome</c>, joins a room,
/// sends pre-encoded frames, and hands every frame it reads to its <see cref="Listener"/> with
/// the time it was read. Only one send is in flight at a time, as a WebSocket requires.
/// </summary>
internal sealed class ChatClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<long>? _joined;
    private byte[] _receiveBuffer = new byte[4096];
    // One send frame at a time (under _sendLock) is written into this buffer, reused for every message.
    private readonly ArrayBufferWriter<byte> _sendBuffer = new(512);
    private readonly Utf8JsonWriter _sendWriter;
    private Task _receiveLoop = Task.CompletedTask;
    private volatile bool _closing;

    public ChatClient(int slot, string name)
    {
        Slot = slot;
        Name = name;
        _sendWriter = ClientFrames.CreateWriter(_sendBuffer);
    }

    /// <summary>This client's number in its pool; indexes per-client state in a run.</summary>
    public int Slot { get; }

    public string Name { get; }

    public RoomTarget? Room { get; set; }

    public IClientListener? Listener { get; set; }

    /// <summary>True when the connection ended without the bench closing it.</summary>
    public bool Dropped { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public async Task ConnectAsync(Uri endpoint, HttpMessageInvoker invoker, TimeSpan timeout)
    {
        var uri = new UriBuilder(endpoint) { Query = "name=" + Uri.EscapeDataString(Name) }.Uri;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = new CancellationTokenSource(timeout);
        await _socket.ConnectAsync(uri, invoker, cts.Token);
        _receiveLoop = ReceiveLoopAsync();
        await _welcome.Task.WaitAsync(timeout);
    }

    /// <summary>Joins <paramref name="room"/> and returns the room's seq from the <c>joined</c> reply.</summary>
    public async Task<long> JoinAsync(RoomTarget room, TimeSpan timeout)
    {
        var joined = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _joined = joined;
        Room = room;
        await SendRawAsync(room.JoinFrame);
        return await joined.Task.WaitAsync(timeout);
    }

    public Task PingAsync() => SendRawAsync(ClientFrames.Ping);

    /// <summary>
    /// Sends message number <paramref name="index"/> to this client's room and reports the time
    /// the frame was handed to the socket through <paramref name="onSending"/>, so that an ack
    /// read on the other loop always finds the send time already written.
    /// </summary>
    public async Task SendMessageAsync(long index, string text, Action<long, long> onSending)
    {
        var room = Room ?? throw new InvalidOperationException("Join a room before sending.");
        await _sendLock.WaitAsync();
        try
        {
            var frame = WriteSendFrame(room, index, text);
            onSending(index, Stopwatch.GetTimestamp());
            await _socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes politely, then aborts whatever did not finish within <paramref name="timeout"/>.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _closing = true;
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            if (_socket.State == WebSocketState.Open)
            {
                await _sendLock.WaitAsync(cts.Token);
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", cts.Token);
                }
                finally
                {
                    _sendLock.Release();
                }
            }

            await _receiveLoop.WaitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The peer is gone or slow to answer: aborting below is all that is left to do.
        }
        finally
        {
            _socket.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(TimeSpan.FromSeconds(1));
        _socket.Dispose();
        _sendLock.Dispose();
        await _sendWriter.DisposeAsync();
    }

    private ReadOnlyMemory<byte> WriteSendFrame(RoomTarget room, long index, string text)
    {
        Span<char> id = stackalloc char[MessageIds.MaxLength];
        var length = MessageIds.Format(index, id);
        _sendBuffer.ResetWrittenCount();
        _sendWriter.Reset(_sendBuffer);
        ClientFrames.WriteSend(_sendWriter, room.Name, id[..length], text);
        _sendWriter.Flush();
        return _sendBuffer.WrittenMemory;
    }

    private async Task SendRawAsync(byte[] frame)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var count = 0;
        try
        {
            while (true)
            {
                if (count == _receiveBuffer.Length)
                {
                    Array.Resize(ref _receiveBuffer, _receiveBuffer.Length * 2);
                }

                var result = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(count), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                count += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                Dispatch(_receiveBuffer.AsSpan(0, count), Stopwatch.GetTimestamp());
                count = 0;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // A dropped connection is recorded below and reported by the scenario.
        }
        finally
        {
            Dropped = !_closing;
            _welcome.TrySetException(new IOException($"{Name}: connection closed ({_socket.CloseStatus})."));
            _joined?.TrySetException(new IOException($"{Name}: connection closed before joined ({_socket.CloseStatus})."));
        }
    }

    private void Dispatch(ReadOnlySpan<byte> json, long timestamp)
    {
        var frame = ServerFrameParser.Parse(json);
        var index = MessageIds.Parse(frame.Id);
        switch (frame.Type)
        {
            case ServerFrameType.Message:
                Listener?.OnMessage(this, index, frame.Seq, timestamp);
                break;
            case ServerFrameType.Ack:
                Listener?.OnAck(this, index, frame.Seq, timestamp);
                break;
            case ServerFrameType.Welcome:
                _welcome.TrySetResult();
                break;
            case ServerFrameType.Joined:
                _joined?.TrySetResult(frame.Seq);
                break;
            case ServerFrameType.Error:
                if (index < 0 && _joined is { Task.IsCompleted: false } pending)
                {
                    pending.TrySetException(new IOException($"{Name}: join failed with '{frame.Code}'."));
                }

                Listener?.OnError(this, frame.Code ?? "unknown", index, timestamp);
                break;
            default:
                // pong, presence, typing, left and anything newer: nothing the bench counts.
                break;
        }
    }
}
