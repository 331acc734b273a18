using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansChat.Bench.Client;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// One <c>oneroom</c> phase: posting loops over keep-alive HTTP connections, and the room's
/// WebSocket receivers, each checked for every acknowledged message by id and by seq.
/// </summary>
internal sealed class OneRoomRun : IClientListener, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly ScenarioContext _context;
    private readonly RoomTarget _room;
    private readonly HttpClient[] _http;
    private readonly int _window;
    private readonly Uri _postUri;
    private readonly byte[] _suffix;
    private readonly Dictionary<ChatClient, DeliveryTracker> _receivers;
    private readonly long[] _sentAt;
    private readonly bool[] _acked;
    private readonly LatencyRecorder _ack = new();
    private readonly LatencyRecorder _delivery = new();
    private readonly Lock _lock = new();
    private long _nextIndex = -1;
    private long _from = long.MaxValue;
    private long _to = long.MaxValue;
    private long _sent;
    private long _ackedCount;
    private long _ackedInWindow;
    private long _failed;
    private long _maxAckedSeq;
    private string? _firstFailure;
    private volatile bool _stop;

    /// <summary>Sets up a run of <paramref name="clients"/> posters into one room.</summary>
    /// <param name="context">The scenario's settings and clock.</param>
    /// <param name="room">The room posted into.</param>
    /// <param name="apiKey">The gateway's API key for posting.</param>
    /// <param name="clients">How many HTTP clients post.</param>
    /// <param name="window">How many posts each client keeps in flight.</param>
    /// <param name="capacity">The most posts the run makes (it stops posting there): far more than the server can take in the time given.</param>
    public OneRoomRun(ScenarioContext context, RoomTarget room, string apiKey, int clients, int window, int capacity)
    {
        _context = context;
        _room = room;
        _window = window;
        var endpoint = context.Endpoint;
        _postUri = new UriBuilder(endpoint.Scheme == "wss" ? "https" : "http", endpoint.Host, endpoint.Port, $"/api/rooms/{room.Name}/messages").Uri;
        _http = [.. Enumerable.Range(0, clients).Select(_ => NewClient(context, apiKey, window))];
        _suffix = Encoding.UTF8.GetBytes("\",\"text\":\"" + context.Text + "\"}");
        _sentAt = new long[capacity];
        _acked = new bool[capacity];
        // The posts are not a socket's, so no sender order is tracked by id (no senders); by seq it is.
        _receivers = room.Receivers.ToDictionary(client => client, client => new DeliveryTracker(client.Name, 0, capacity, room.BaseSeq, 0, 0));
    }

    public async Task<OneRoomOutcome> RunAsync(double warmupSeconds, double durationSeconds)
    {
        foreach (var client in _room.Receivers)
        {
            client.Listener = this;
        }

        var watch = _context.WatchAll();
        var posters = new List<Task>();
        for (var c = 0; c < _http.Length; c++)
        {
            for (var w = 0; w < _window; w++)
            {
                posters.Add(PostLoopAsync(_http[c], _context.ClientName("p", (c * _window) + w)));
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));
        watch.Start();
        Volatile.Write(ref _from, Stopwatch.GetTimestamp());
        await Task.Delay(TimeSpan.FromSeconds(durationSeconds));
        Volatile.Write(ref _to, Stopwatch.GetTimestamp());
        var cpu = watch.CpuSinceStart();
        _stop = true;
        await Task.WhenAll(posters);

        // Posting ahead of delivery leaves a backlog: wait while the receivers still make progress
        // (a late message is late, not lost), until each has as many different messages as were
        // acknowledged and the last acknowledged seq (a message that comes late and out of order can
        // follow the last seq), none moved for the drain time, or a minute passed.
        var giveUp = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        var lastProgress = Stopwatch.GetTimestamp();
        var lastTotal = -1L;
        var drainTicks = (long)(_context.Drain.TotalSeconds * Stopwatch.Frequency);
        while (_receivers.Values.Any(Behind) && Stopwatch.GetTimestamp() - lastProgress < drainTicks && Stopwatch.GetTimestamp() < giveUp)
        {
            var total = _receivers.Values.Sum(r => r.Received);
            if (total != lastTotal)
            {
                (lastTotal, lastProgress) = (total, Stopwatch.GetTimestamp());
            }

            await Task.Delay(50);
        }

        // Counted as the socket scenarios count (TrafficRun.Analyze); a delivery still arriving is only
        // late, and each tracker is written by its own socket's receive loop.
        var reports = new List<ReceiverReport>();
        lock (_lock)
        {
            var ackedIndices = Enumerable.Range(0, (int)Math.Min(_nextIndex + 1, _acked.Length)).Where(i => _acked[i]).ToList();
            reports.AddRange(_receivers.Select(pair => pair.Value.Report(pair.Key, ackedIndices, _maxAckedSeq)));
        }

        return new OneRoomOutcome(
            _ackedInWindow / durationSeconds,
            _ackedInWindow,
            _ack.Summarize(),
            _delivery.Summarize(),
            _sent,
            _ackedCount,
            _failed,
            _firstFailure,
            cpu,
            reports);
    }

    public void OnMessage(ChatClient client, long index, long seq, long timestamp)
    {
        // Every message in the run's room is one of its posts, numbered below the capacity.
        if (!_receivers.TryGetValue(client, out var tracker) || index < 0 || index >= _sentAt.Length)
        {
            return;
        }

        tracker.Record((int)index, -1, seq);
        var sentAt = Volatile.Read(ref _sentAt[index]);
        if (sentAt >= Volatile.Read(ref _from) && sentAt < Volatile.Read(ref _to))
        {
            _delivery.RecordTicks(timestamp - sentAt);
        }
    }

    public void OnAck(ChatClient client, long index, long seq, long timestamp)
    {
        // Receivers never send.
    }

    public void OnError(ChatClient client, string code, long index, long timestamp)
    {
        // A receiver only joined; errors would show as loss.
    }

    public void Dispose()
    {
        foreach (var http in _http)
        {
            http.Dispose();
        }
    }

    /// <summary>Whether a receiver lacks some acknowledged message yet: fewer different messages, or not the last seq.</summary>
    private bool Behind(DeliveryTracker receiver)
    {
        lock (_lock)
        {
            return receiver.Distinct < _ackedCount || receiver.LastSeq < _maxAckedSeq;
        }
    }

    private static HttpClient NewClient(ScenarioContext context, string apiKey, int connections)
    {
        var handler = context.Connector.CreateHandler();
        handler.MaxConnectionsPerServer = connections;
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    private async Task PostLoopAsync(HttpClient http, string user)
    {
        await Task.Yield();
        var prefix = Encoding.UTF8.GetBytes($$"""{"user":"{{user}}","id":"m""");
        var body = new byte[prefix.Length + 20 + _suffix.Length];
        prefix.CopyTo(body, 0);
        while (!_stop)
        {
            var index = Interlocked.Increment(ref _nextIndex);
            if (index >= _sentAt.Length)
            {
                return;
            }

            Utf8Formatter.TryFormat(index, body.AsSpan(prefix.Length), out var written);
            _suffix.CopyTo(body, prefix.Length + written);
            using var content = new ByteArrayContent(body, 0, prefix.Length + written + _suffix.Length);
            content.Headers.ContentType = Json;
            var start = Stopwatch.GetTimestamp();
            Volatile.Write(ref _sentAt[index], start);
            Interlocked.Increment(ref _sent);
            try
            {
                using var response = await http.PostAsync(_postUri, content);
                var reply = await response.Content.ReadAsByteArrayAsync();
                var now = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.Created || ParseSeq(reply) is not { } seq)
                {
                    Fail($"{(int)response.StatusCode} {Encoding.UTF8.GetString(reply)}");
                    continue;
                }

                Acked(index, seq, start, now);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                Fail($"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private void Acked(long index, long seq, long start, long now)
    {
        lock (_lock)
        {
            _acked[index] = true;
            _ackedCount++;
            _maxAckedSeq = Math.Max(_maxAckedSeq, seq);
            if (now >= _from && now < _to)
            {
                _ackedInWindow++;
            }
        }

        if (start >= Volatile.Read(ref _from) && start < Volatile.Read(ref _to))
        {
            _ack.RecordTicks(now - start);
        }
    }

    private void Fail(string reason)
    {
        lock (_lock)
        {
            _failed++;
            _firstFailure ??= reason;
        }
    }

    private static long? ParseSeq(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("seq"u8) && reader.Read() && reader.TryGetInt64(out var seq))
                {
                    return seq;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }
}
