using System.Diagnostics;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>The counting done once a phase has drained.</summary>
internal sealed partial class TrafficRun
{
    private TrafficOutcome Analyze(IReadOnlyDictionary<string, double> cpu)
    {
        var ackedOffsets = _rooms.Select(_ => new List<int>()).ToArray();
        var ackedSeq = new long[_rooms.Count];
        long sent = 0;
        long sentInWindow = 0;
        long unacked = 0;
        for (var offset = 0; offset < _log.Count; offset++)
        {
            var flags = _log.Flags(offset);
            if ((flags & SendLog.Sent) == 0)
            {
                continue;
            }

            sent++;
            var ticks = _log.SendTicks(offset);
            if (ticks >= _measureFrom && ticks <= _measureTo)
            {
                sentInWindow++;
            }

            if ((flags & SendLog.Acked) != 0)
            {
                var room = _log.Room(offset);
                ackedOffsets[room].Add(offset);
                ackedSeq[room] = Math.Max(ackedSeq[room], _log.Seq(offset));
            }
            else if ((flags & SendLog.Failed) == 0)
            {
                unacked++;
            }
        }

        var receivers = new List<ReceiverReport>();
        long expected = 0, lostById = 0, lostBySeq = 0, outOfOrderBySeq = 0, outOfOrderById = 0, duplicates = 0;
        var withLoss = 0;
        var dropped = _senders.Count(s => s.Client.Dropped && !s.Room.Receivers.Contains(s.Client));
        foreach (var room in _rooms)
        {
            foreach (var client in room.Receivers)
            {
                var report = _trackers[client.Slot]!.Report(client, ackedOffsets[room.Index], ackedSeq[room.Index]);
                expected += ackedOffsets[room.Index].Count;
                lostById += report.LostById;
                lostBySeq += report.LostBySeq;
                outOfOrderBySeq += report.OutOfOrderBySeq;
                outOfOrderById += report.OutOfOrderById;
                duplicates += report.DuplicatesById;
                withLoss += report.LostById > 0 || report.LostBySeq > 0 ? 1 : 0;
                dropped += client.Dropped ? 1 : 0;
                receivers.Add(report);
            }
        }

        var seconds = Math.Max(_options.DurationSeconds, 1e-3);
        var errors = new SortedDictionary<string, long>(_errors, StringComparer.Ordinal);
        if (Interlocked.Read(ref _stale) is var stale and > 0)
        {
            errors["stale_frames"] = stale;
        }

        return new TrafficOutcome(
            _delivery.Summarize(),
            _ack.Summarize(),
            sent,
            Interlocked.Read(ref _acked),
            Interlocked.Read(ref _failed),
            unacked,
            errors,
            _senders.Length * (_options.Mode == SendMode.Steady ? _options.RatePerSender : double.NaN),
            sentInWindow / seconds,
            Interlocked.Read(ref _deliveredInWindow) / seconds,
            expected,
            lostById,
            lostBySeq,
            outOfOrderBySeq,
            outOfOrderById,
            duplicates,
            Interlocked.Read(ref _wrongRoom),
            withLoss,
            dropped,
            Interlocked.Read(ref _stalls),
            (_measureTo - _measureFrom) / (double)Stopwatch.Frequency,
            cpu,
            receivers);
    }
}
