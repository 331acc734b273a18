using System.Net.WebSockets;
using System.Text.Json;

namespace OrleansChat.Cluster.Tests.Load;

/// <summary>
/// One chat user under load, as a well-behaved client: joined to one room through a gateway, it
/// sends a message every <see cref="LoadOptions.SendInterval"/> (one in flight at a time), retries
/// the same id on <c>unavailable</c>, and when its socket drops it reconnects (to the other gateway
/// first), joins again with <c>since</c> and the epoch, and sends its pending message again with
/// the same id. It logs every send, ack and message for <see cref="HistoryChecker"/>.
/// </summary>
internal sealed class LoadClient(string user, string room, IReadOnlyList<Uri> gateways, int home, LoadOptions options)
{
    private readonly List<long> _received = [];
    private readonly List<string> _problems = [];
    private ClientWebSocket? _socket;
    private int _gateway = home;
    private TaskCompletionSource<JsonElement>? _pending;
    private string? _pendingId;
    private TaskCompletionSource<JsonElement>? _joined;

    public string User { get; } = user;

    public string Room { get; } = room;

    /// <summary>Acknowledged sends: id, seq, and when the ack came (the load's clock).</summary>
    public List<(string Id, long Seq, TimeSpan SentAt, TimeSpan AckedAt)> Acks { get; } = [];

    /// <summary>How many times a send was answered <c>unavailable</c>.</summary>
    public int Unavailable { get; private set; }

    /// <summary>The longest wait from a message's first send to its ack, retries included.</summary>
    public TimeSpan LongestAckWait { get; private set; }

    /// <summary>Reconnections, and how many of them came back with <c>recovered: true</c>.</summary>
    public int Reconnects { get; private set; }

    public int Recovered { get; private set; }

    /// <summary>The room's epoch as the client last saw it.</summary>
    public string? Epoch { get; private set; }

    /// <summary>Every message seq received in this room, in arrival order (joined history included).</summary>
    public IReadOnlyList<long> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>What went wrong that the checker reports (a join that did not recover, an error code never expected).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    public long LastSeq
    {
        get
        {
            lock (_received)
            {
                return _received.Count == 0 ? 0 : _received[^1];
            }
        }
    }

    /// <summary>
    /// Connects and joins, trying again as a real client would while the join is refused as
    /// <c>unavailable</c> or the socket fails (a cluster still settling after the previous scenario);
    /// throws if it cannot within the options' ack timeout.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.AckTimeout;
        while (true)
        {
            try
            {
                await ConnectAsync(rejoin: false, cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is WebSocketException or InvalidOperationException && DateTime.UtcNow < deadline)
            {
                _socket?.Abort();
                _socket?.Dispose();
                _socket = null;
                await Task.Delay(options.RetryDelay, cancellationToken);
            }
        }
    }

    /// <summary>Sends messages until <paramref name="stop"/> is cancelled; the message in flight then still completes.</summary>
    public async Task RunAsync(Func<TimeSpan> now, CancellationToken stop)
    {
        var next = 1;
        var jitter = new Random(User.GetHashCode(StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromMilliseconds(jitter.Next((int)options.SendInterval.TotalMilliseconds)), CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            await SendUntilAckedAsync($"{User}-{next++}", now);
            try
            {
                await Task.Delay(options.SendInterval, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Sends one message, retrying the same id until it is acknowledged.</summary>
    public async Task SendUntilAckedAsync(string id, Func<TimeSpan> now)
    {
        var first = now();
        var deadline = first + options.GiveUpAfter;
        while (true)
        {
            if (now() > deadline)
            {
                AddProblem($"{id}: no ack within {options.GiveUpAfter.TotalSeconds} s");
                return;
            }

            JsonElement reply;
            try
            {
                reply = await SendOnceAsync(id);
            }
            catch (Exception exception) when (exception is WebSocketException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                await ReconnectAsync(now, deadline);
                continue;
            }

            if (reply.GetProperty("type").GetString() == "ack")
            {
                var acked = now();
                var wait = acked - first;
                lock (_received)
                {
                    Acks.Add((id, reply.GetProperty("seq").GetInt64(), first, acked));
                    if (wait > LongestAckWait)
                    {
                        LongestAckWait = wait;
                    }
                }

                return;
            }

            var code = reply.TryGetProperty("code", out var c) ? c.GetString() : null;
            if (code == "unavailable")
            {
                Unavailable++;
                await Task.Delay(options.RetryDelay);
                continue;
            }

            if (code == "rate_limited")
            {
                await Task.Delay(options.RetryDelay);
                continue;
            }

            AddProblem($"{id}: unexpected error {reply.GetRawText()}");
            return;
        }
    }

    /// <summary>Closes the socket.</summary>
    public async Task StopAsync()
    {
        if (_socket is { State: WebSocketState.Open } socket)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket?.Dispose();
    }

    private async Task<JsonElement> SendOnceAsync(string id)
    {
        var socket = _socket ?? throw new InvalidOperationException("not connected");
        var pending = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        (_pending, _pendingId) = (pending, id);
        var frame = JsonSerializer.SerializeToUtf8Bytes(new { type = "send", room = Room, id, text = $"{id} from {User}" });
        using var cts = new CancellationTokenSource(options.AckTimeout);
        await socket.SendAsync(frame, WebSocketMessageType.Text, true, cts.Token);
        return await pending.Task.WaitAsync(options.AckTimeout);
    }

    private async Task ReconnectAsync(Func<TimeSpan> now, TimeSpan deadline)
    {
        _socket?.Abort();
        _socket?.Dispose();
        _socket = null;
        while (now() < deadline)
        {
            // The other gateway first: the one this client was on may be the one that died.
            _gateway = (_gateway + 1) % gateways.Count;
            try
            {
                using var cts = new CancellationTokenSource(options.AckTimeout);
                await ConnectAsync(rejoin: true, cts.Token);
                Reconnects++;
                return;
            }
            catch (Exception exception) when (exception is WebSocketException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                _socket?.Abort();
                _socket?.Dispose();
                _socket = null;
                await Task.Delay(options.RetryDelay);
            }
        }
    }

    private async Task ConnectAsync(bool rejoin, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{gateways[_gateway].Authority}/ws?name={User}"), cancellationToken);
        _socket = socket;
        var joined = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _joined = joined;
        _ = Task.Run(() => ReadLoopAsync(socket), CancellationToken.None);
        var since = LastSeq;
        object join = rejoin && since > 0 ? new { type = "join", room = Room, since, epoch = Epoch } : new { type = "join", room = Room };
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(join), WebSocketMessageType.Text, true, cancellationToken);
        var reply = await joined.Task.WaitAsync(options.AckTimeout, cancellationToken);
        if (reply.GetProperty("type").GetString() != "joined")
        {
            throw new InvalidOperationException("join refused: " + reply.GetRawText());
        }

        if (rejoin && since > 0)
        {
            if (reply.GetProperty("recovered").GetBoolean())
            {
                Recovered++;
            }
            else
            {
                AddProblem($"rejoin after seq {since} did not recover: epoch {Epoch} -> {reply.GetProperty("epoch").GetString()}");
            }
        }
    }

    private async Task ReadLoopAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                Handle(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            // Whoever waits on this socket learns that it is gone (not on a newer socket: that one has its own loop).
            if (_socket is null || ReferenceEquals(_socket, socket))
            {
                _pending?.TrySetException(new WebSocketException("socket closed"));
                _joined?.TrySetException(new WebSocketException("socket closed"));
            }
        }
    }

    private void Handle(JsonElement frame)
    {
        switch (frame.GetProperty("type").GetString())
        {
            case "joined":
                Epoch = frame.GetProperty("epoch").GetString();
                foreach (var message in frame.GetProperty("history").EnumerateArray())
                {
                    Receive(message.GetProperty("seq").GetInt64());
                }

                _joined?.TrySetResult(frame);
                break;
            case "message":
                Receive(frame.GetProperty("seq").GetInt64());
                break;
            case "ack":
            case "error":
                if (frame.TryGetProperty("id", out var id) && id.GetString() == _pendingId)
                {
                    _pending?.TrySetResult(frame);
                }
                else if (frame.GetProperty("type").GetString() == "error" && _joined is { Task.IsCompleted: false } joining)
                {
                    joining.TrySetResult(frame);
                }

                break;
            default:
                break;
        }
    }

    private void Receive(long seq)
    {
        lock (_received)
        {
            _received.Add(seq);
        }
    }

    private void AddProblem(string problem)
    {
        lock (_problems)
        {
            _problems.Add($"{User}: {problem}");
        }
    }
}
