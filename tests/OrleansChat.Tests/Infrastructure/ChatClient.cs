using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A test's WebSocket client speaking the wire contract. A background loop reads every frame
/// into a list, so tests wait on conditions over what has arrived ("an ack for m-1") instead of sleeping.
/// </summary>
public sealed class ChatClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _frames = [];
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private readonly Task _reader;

    private ChatClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>The close status the server sent, once the socket closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The close description the server sent.</summary>
    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>True once the read loop ended (the socket closed or broke).</summary>
    public bool IsClosed => _reader.IsCompleted;

    /// <summary>A snapshot of every frame received so far.</summary>
    public IReadOnlyList<JsonElement> Frames
    {
        get
        {
            lock (_frames)
            {
                return _frames.ToArray();
            }
        }
    }

    /// <summary>Connects and waits for the welcome frame.</summary>
    public static Task<ChatClient> ConnectAsync(GatewayHost gateway, string name, Action<ClientWebSocketOptions>? configure = null) =>
        ConnectAsync(gateway.Socket(name), configure);

    /// <summary>Connects to a <c>/ws</c> URI as given (with a token, say) and waits for the welcome frame.</summary>
    public static async Task<ChatClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(uri, CancellationToken.None);
        var client = new ChatClient(socket);
        await client.WaitForAsync(f => f.Type() == "welcome");
        return client;
    }

    /// <summary>Sends a frame given as an anonymous object.</summary>
    public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame));

    /// <summary>Sends text exactly as given.</summary>
    public Task SendRawAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends a binary frame.</summary>
    public Task SendBinaryAsync(byte[] bytes) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Joins a room and returns the joined frame.</summary>
    public async Task<JsonElement> JoinAsync(string room, long? since = null, string? epoch = null)
    {
        var skip = Frames.Count;
        await SendAsync(since is null ? new { type = "join", room } : new { type = "join", room, since, epoch });
        return await WaitForAsync(f => f.Type() == "joined" && f.Str("room") == room, skip);
    }

    /// <summary>Sends a message and returns the ack (or error) that answers it.</summary>
    public async Task<JsonElement> PostAsync(string room, string id, string text)
    {
        var skip = Frames.Count;
        await SendAsync(new { type = "send", room, id, text });
        return await WaitForAsync(f => (f.Type() is "ack" or "error") && f.Str("id") == id, skip);
    }

    /// <summary>Waits for a frame (after the first <paramref name="skip"/> frames) that matches.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, int skip = 0, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));

        // Frames only ever get appended, so each is matched once: a wait over thousands of frames stays linear.
        var next = skip;
        while (true)
        {
            var frames = Frames;
            for (; next < frames.Count; next++)
            {
                if (match(frames[next]))
                {
                    return frames[next];
                }
            }

            if (IsClosed)
            {
                throw new InvalidOperationException($"socket closed ({CloseStatus} {CloseDescription}) before the frame arrived");
            }

            try
            {
                await _changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no matching frame; " + Describe(Frames, skip));
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> frames match.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForCountAsync(Func<JsonElement, bool> match, int count, TimeSpan? timeout = null)
    {
        var matched = 0;
        try
        {
            await WaitForAsync(f => match(f) && ++matched >= count, 0, timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{matched} of {count} frames matched; " + Describe(Frames, 0));
        }

        return Frames.Where(match).ToArray();
    }
    /// <summary>When the server's close frame arrived (before this client answered it), once it has.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>Waits until the server closed the socket.</summary>
    public Task WaitForCloseAsync(TimeSpan? timeout = null) => _reader.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));

    /// <summary>
    /// The frames after <paramref name="skip"/> for a failure message: the count and the last few, each cut short,
    /// since a test of large messages receives megabytes.
    /// </summary>
    private static string Describe(IReadOnlyList<JsonElement> frames, int skip)
    {
        const int Last = 20;
        const int Chars = 300;
        var got = Math.Max(0, frames.Count - skip);
        var shown = frames.Skip(Math.Max(skip, frames.Count - Last)).Select(f => f.GetRawText()).Select(t => t.Length <= Chars ? t : t[..Chars] + $"…({t.Length} chars)");
        return $"got {got} frames{(got > Last ? $", the last {Last}" : "")}: " + string.Join(" | ", shown);
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        ClosedAt = DateTimeOffset.UtcNow;

                        // Complete the close handshake as a browser would.
                        if (_socket.State == WebSocketState.CloseReceived)
                        {
                            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                        }

                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                var frame = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                lock (_frames)
                {
                    _frames.Add(frame);
                }

                _changed.Release();
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _changed.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }

        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }
}
