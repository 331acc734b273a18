using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansChat.Bench.Client;
using OrleansChat.Bench.Measure;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// One traffic phase over rooms whose clients are already joined: runs every sender, records
/// delivery latency (send → receive, from the send time kept per message number) and ack
/// latency, waits for stragglers, then counts per receiver what was lost, repeated or out of
/// order against the messages the server acked into its room.
/// </summary>
internal sealed partial class TrafficRun : IClientListener, IDisposable
{
    private static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(5);

    private readonly ScenarioContext _context;
    private readonly IReadOnlyList<RoomTarget> _rooms;
    private readonly TrafficOptions _options;
    private readonly SendLog _log;
    private readonly DeliveryTracker?[] _trackers;
    private readonly int[] _receiversByRoom;
    private readonly long[] _ackedByRoom;
    private readonly long[] _maxSeqByRoom;
    private readonly SenderState[] _senders;
    private readonly string _text;
    private readonly Action<long, long> _onSending;
    private readonly LatencyRecorder _delivery = new();
    private readonly LatencyRecorder _ack = new();
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private long _measureFrom = long.MaxValue;
    private long _measureTo = long.MaxValue;
    private long _deliveredInWindow;
    private long _acked;
    private long _failed;
    private long _stalls;
    private long _stale;
    private long _wrongRoom;

    public TrafficRun(ScenarioContext context, IReadOnlyList<RoomTarget> rooms, int slotCount, TrafficOptions options)
    {
        _context = context;
        _rooms = rooms;
        _options = options;
        // Senders are numbered across rooms; their start times spread evenly over one send interval.
        var pairs = rooms.SelectMany(room => room.Senders.Select(client => (Room: room, Client: client))).ToList();
        _senders = [.. pairs.Select((pair, i) => new SenderState(i, pair.Client, pair.Room, options.Window, i / (double)Math.Max(pairs.Count, 1)))];

        var seconds = options.WarmupSeconds + options.DurationSeconds;
        var capacity = (int)Math.Min(int.MaxValue / 2, (_senders.Length * ((options.RatePerSender * seconds * 1.1) + 20)) + 100);
        _log = new SendLog(capacity);
        _trackers = new DeliveryTracker?[slotCount];
        _receiversByRoom = new int[rooms.Count];
        _ackedByRoom = new long[rooms.Count];
        _maxSeqByRoom = new long[rooms.Count];
        foreach (var room in rooms)
        {
            _receiversByRoom[room.Index] = room.Receivers.Count;
            _maxSeqByRoom[room.Index] = room.BaseSeq;
            var roomSenders = _senders.Where(s => s.Room == room).Select(s => s.Number).DefaultIfEmpty(0).ToList();
            foreach (var receiver in room.Receivers)
            {
                _trackers[receiver.Slot] = new DeliveryTracker(receiver.Name, room.Index, capacity, room.BaseSeq, roomSenders.Min(), roomSenders.Count);
            }
        }

        _text = context.Text;
        _onSending = _log.MarkSending;
    }

    /// <summary>The highest seq seen per room (acks and deliveries), to start the next phase from.</summary>
    public long MaxSeq(RoomTarget room) => Volatile.Read(ref _maxSeqByRoom[room.Index]);

    public async Task<TrafficOutcome> RunAsync()
    {
        foreach (var room in _rooms)
        {
            foreach (var client in room.Receivers.Concat(room.Senders))
            {
                client.Listener = this;
            }
        }

        var watch = _context.WatchAll();
        var start = Stopwatch.GetTimestamp();
        var warmup = (long)(_options.WarmupSeconds * Stopwatch.Frequency);
        var end = start + warmup + (long)(_options.DurationSeconds * Stopwatch.Frequency);
        Volatile.Write(ref _measureFrom, start + warmup);
        Volatile.Write(ref _measureTo, end);

        var senders = _senders.Select(s => _options.Mode == SendMode.Steady ? SteadyAsync(s, start, end) : WindowAsync(s, start, end)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(_options.WarmupSeconds));
        watch.Start();
        await Task.WhenAll(senders);
        var cpu = watch.CpuSinceStart();
        await DrainAsync();
        var outcome = Analyze(cpu);
        foreach (var room in _rooms)
        {
            foreach (var client in room.Receivers.Concat(room.Senders))
            {
                client.Listener = null;
            }
        }

        return outcome;
    }

    public void OnMessage(ChatClient client, long index, long seq, long timestamp)
    {
        if (!_log.Contains(index))
        {
            Interlocked.Increment(ref _stale);
            return;
        }

        var offset = _log.Offset(index);
        var room = _log.Room(offset);
        RaiseMax(ref _maxSeqByRoom[room], seq);
        if (_trackers[client.Slot] is { } tracker)
        {
            if (tracker.Room != room)
            {
                // Another room's message: counted on its own, since its seq belongs to that room's order.
                Interlocked.Increment(ref _wrongRoom);
                return;
            }

            tracker.Record(offset, _log.Sender(offset), seq);
            var sent = _log.SendTicks(offset);
            if (sent >= _measureFrom)
            {
                _delivery.RecordTicks(timestamp - sent);
            }

            if (timestamp >= _measureFrom && timestamp <= _measureTo)
            {
                Interlocked.Increment(ref _deliveredInWindow);
            }

            if (_options.Mode == SendMode.Window && _log.AddDelivery(offset) == _receiversByRoom[room])
            {
                Complete(index, SendLog.DeliveredToAll);
            }
        }
    }

    public void OnAck(ChatClient client, long index, long seq, long timestamp)
    {
        if (!_log.Contains(index))
        {
            return;
        }

        var offset = _log.Offset(index);
        var room = _log.Room(offset);
        _log.RecordAck(index, seq, timestamp);
        RaiseMax(ref _maxSeqByRoom[room], seq);
        var sent = _log.SendTicks(offset);
        if (sent >= _measureFrom)
        {
            _ack.RecordTicks(timestamp - sent);
        }

        // In a room without receivers the ack alone completes the message.
        var (before, _) = Complete(index, _receiversByRoom[room] == 0 ? SendLog.Acked | SendLog.DeliveredToAll : SendLog.Acked);
        if ((before & SendLog.Acked) == 0)
        {
            Interlocked.Increment(ref _acked);
            Interlocked.Increment(ref _ackedByRoom[room]);
        }
    }

    public void OnError(ChatClient client, string code, long index, long timestamp)
    {
        _errors.AddOrUpdate(code, 1, (_, n) => n + 1);
        if (_log.Contains(index))
        {
            Interlocked.Increment(ref _failed);
            Complete(index, SendLog.Failed);
        }
    }

    public void Dispose()
    {
        foreach (var sender in _senders)
        {
            sender.Dispose();
        }
    }

    private static bool IsComplete(int flags) =>
        (flags & (SendLog.Failed | SendLog.Abandoned)) != 0 || (flags & (SendLog.Acked | SendLog.DeliveredToAll)) == (SendLog.Acked | SendLog.DeliveredToAll);

    private static void RaiseMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Sets <paramref name="flag"/> on a message; frees its window slot the moment it becomes complete.</summary>
    private (int Before, int After) Complete(long index, int flag)
    {
        var (before, after) = _log.Mark(index, flag);
        if (_options.Mode == SendMode.Window && !IsComplete(before) && IsComplete(after))
        {
            try
            {
                _senders[_log.Sender(_log.Offset(index))].Window.Release();
            }
            catch (ObjectDisposedException)
            {
                // A straggler that arrived after the phase was over.
            }
        }

        return (before, after);
    }

    private async Task DrainAsync()
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_context.Drain.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !Settled())
        {
            await Task.Delay(50);
        }
    }

    private bool Settled()
    {
        var sent = 0L;
        for (var offset = 0; offset < _log.Count; offset++)
        {
            if ((_log.Flags(offset) & SendLog.Sent) != 0)
            {
                sent++;
            }
        }

        if (Volatile.Read(ref _acked) + Volatile.Read(ref _failed) < sent)
        {
            return false;
        }

        foreach (var room in _rooms)
        {
            var acked = Volatile.Read(ref _ackedByRoom[room.Index]);
            foreach (var receiver in room.Receivers)
            {
                // Different messages, not frames: a repeat must not stand in for a message still on its way.
                if (!receiver.Dropped && _trackers[receiver.Slot]!.Distinct < acked)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
