using System.Diagnostics;
using System.Net.WebSockets;
using OrleansChat.Bench.Measure;

namespace OrleansChat.Bench.Scenarios;

/// <summary>The sender loops: open-loop at a fixed rate, or closed-loop with a window.</summary>
internal sealed partial class TrafficRun
{
    private async Task SteadyAsync(SenderState sender, long start, long end)
    {
        var interval = (long)(Stopwatch.Frequency / _options.RatePerSender);
        var next = start + (long)(interval * sender.Phase);
        while (next < end)
        {
            await DelayUntilAsync(next);
            if (!await TrySendAsync(sender))
            {
                return;
            }

            next += interval;
        }
    }

    private async Task WindowAsync(SenderState sender, long start, long end)
    {
        var gap = (long)(Stopwatch.Frequency / _options.RatePerSender);
        var next = start + (long)(gap * sender.Phase);
        while (true)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            // A message some receiver never gets would hold its slot forever: after a long wait,
            // count a stall and give up on this socket's oldest message, which frees its slot.
            if (!await sender.Window.WaitAsync(remaining < StallAfter ? remaining : StallAfter))
            {
                if (Stopwatch.GetTimestamp() >= end)
                {
                    return;
                }

                Interlocked.Increment(ref _stalls);
                AbandonOldest(sender);
                continue;
            }

            next = Math.Max(next, Stopwatch.GetTimestamp());
            await DelayUntilAsync(next);
            if (next >= end || !await TrySendAsync(sender))
            {
                return;
            }

            next += gap;
        }
    }

    private void AbandonOldest(SenderState sender)
    {
        while (sender.InFlight.TryDequeue(out var index))
        {
            if (!IsComplete(_log.Flags(_log.Offset(index))))
            {
                Complete(index, SendLog.Abandoned);
                return;
            }
        }
    }

    private static async Task DelayUntilAsync(long timestamp)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private async Task<bool> TrySendAsync(SenderState sender)
    {
        if (!_log.TryAllocate(sender.Number, sender.Room.Index, out var index))
        {
            _errors.AddOrUpdate("bench_log_full", 1, (_, n) => n + 1);
            return false;
        }

        if (_options.Mode == SendMode.Window)
        {
            // Keep the queue short: drop messages at its head that have completed.
            while (sender.InFlight.TryPeek(out var oldest) && IsComplete(_log.Flags(_log.Offset(oldest))))
            {
                sender.InFlight.Dequeue();
            }

            sender.InFlight.Enqueue(index);
        }

        try
        {
            await sender.Client.SendMessageAsync(index, _text, _onSending);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            _errors.AddOrUpdate("bench_send_failed", 1, (_, n) => n + 1);
            Complete(index, SendLog.Failed);
            return false;
        }
    }
}
