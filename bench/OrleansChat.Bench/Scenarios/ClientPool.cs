using System.Diagnostics;
using System.Net.WebSockets;
using OrleansChat.Bench.Client;
using OrleansChat.Bench.Measure;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// Opens, joins and finally closes a scenario's sockets, a bounded number at a time, and times
/// each connect (through <c>welcome</c>) and each join (through <c>joined</c>).
/// </summary>
internal sealed class ClientPool : IAsyncDisposable
{
    private readonly ScenarioContext _context;
    private readonly List<ChatClient> _clients = [];
    private readonly List<string> _failures = [];
    private readonly Lock _lock = new();
    private int _slots;

    public ClientPool(ScenarioContext context)
    {
        _context = context;
    }

    public LatencyRecorder ConnectLatency { get; } = new();

    public LatencyRecorder JoinLatency { get; } = new();

    /// <summary>Slots handed out so far; per-client arrays in a run are this long.</summary>
    public int SlotCount
    {
        get
        {
            lock (_lock)
            {
                return _slots;
            }
        }
    }

    public int FailureCount
    {
        get
        {
            lock (_lock)
            {
                return _failures.Count;
            }
        }
    }

    /// <summary>The first few failure messages, for the result's notes.</summary>
    public IReadOnlyList<string> FirstFailures
    {
        get
        {
            lock (_lock)
            {
                return [.. _failures.Take(5)];
            }
        }
    }

    /// <summary>
    /// Connects <paramref name="count"/> clients named <paramref name="role"/>N and joins each to
    /// <paramref name="roomOf"/>(N); returns those that made it, in order, and adds them to their
    /// room's receivers or senders. Each room's <see cref="RoomTarget.BaseSeq"/> becomes the
    /// highest seq a join reported.
    /// </summary>
    public async Task<List<ChatClient>> ConnectAsync(string role, int count, Func<int, RoomTarget> roomOf, bool receivers, bool senders)
    {
        var created = new ChatClient[count];
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                created[i] = new ChatClient(_slots++, _context.ClientName(role, i));
                _clients.Add(created[i]);
            }
        }

        var ok = new bool[count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = _context.ConnectConcurrency };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), options, async (i, _) =>
        {
            var client = created[i];
            var room = roomOf(i);
            try
            {
                var start = Stopwatch.GetTimestamp();
                await client.ConnectAsync(_context.Endpoint, _context.Connector.Invoker, _context.Timeout);
                var connected = Stopwatch.GetTimestamp();
                ConnectLatency.RecordTicks(connected - start);
                var seq = await client.JoinAsync(room, _context.Timeout);
                JoinLatency.RecordTicks(Stopwatch.GetTimestamp() - connected);
                lock (room)
                {
                    room.BaseSeq = Math.Max(room.BaseSeq, seq);
                }

                ok[i] = true;
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or TimeoutException or OperationCanceledException or HttpRequestException)
            {
                lock (_lock)
                {
                    _failures.Add($"{client.Name}: {ex.GetType().Name}: {ex.Message}");
                }

                await client.CloseAsync(TimeSpan.FromSeconds(1));
            }
        });

        var connectedClients = new List<ChatClient>();
        for (var i = 0; i < count; i++)
        {
            if (!ok[i])
            {
                continue;
            }

            connectedClients.Add(created[i]);
            var room = roomOf(i);
            if (receivers)
            {
                room.Receivers.Add(created[i]);
            }

            if (senders)
            {
                room.Senders.Add(created[i]);
            }
        }

        return connectedClients;
    }

    /// <summary>Closes every client, a few hundred at a time.</summary>
    public async Task CloseAllAsync()
    {
        ChatClient[] all;
        lock (_lock)
        {
            all = [.. _clients];
            _clients.Clear();
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = 256 };
        await Parallel.ForEachAsync(all, options, async (client, _) => await client.DisposeAsync());
    }

    public async ValueTask DisposeAsync() => await CloseAllAsync();
}
