namespace OrleansChat.Gateway.Hub;

// Gap filling: a live run that skips seqs, or a reconnect, is made good from the grain's history, in order with live events.
internal sealed partial class RoomChannel
{
    // A gap being filled from history (set while a fill runs, completed when it ends), and the
    // highest seq seen live meanwhile; both guarded by _lock.
    private TaskCompletionSource? _fill;
    private long _fillTarget = -1;

    /// <summary>
    /// Fetches and delivers whatever was stored after the last seq this channel delivered (after a
    /// reconnect), through the same fill as a gap, so live events arriving meanwhile keep their order.
    /// </summary>
    public Task CatchUpAsync()
    {
        Task fill;
        lock (_lock)
        {
            if (_lastSeq < 0)
            {
                return Task.CompletedTask;
            }

            // At least one read; each read then raises the target to the room's newest seq.
            _fillTarget = Math.Max(_fillTarget, _lastSeq + 1);
            if (_fill is not null)
            {
                return _fill.Task;
            }

            fill = BeginFill();
        }

        _ = FillGapAsync();
        return fill;
    }

    /// <summary>Delivers a live run unless a gap is open or opens with it; then the fill, reading history up to the run's last seq, delivers it.</summary>
    private void FanoutLive(List<ChatMessage> run)
    {
        bool startFill;
        lock (_lock)
        {
            _fillTarget = Math.Max(_fillTarget, run[^1].Seq);
            if (_fill is not null)
            {
                return;
            }

            startFill = _lastSeq >= 0 && run[0].Seq > _lastSeq + 1;
            if (startFill)
            {
                LogGap(Room, _lastSeq, run[0].Seq);
                BeginFill();
            }
        }

        if (startFill)
        {
            _ = FillGapAsync();
        }
        else
        {
            Fanout(run);
        }
    }

    // Under _lock: marks a fill as running, with the task that completes when it ends.
    private Task BeginFill()
    {
        _fill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _fill.Task;
    }

    // Under _lock: the fill has ended; whoever waits on it goes on.
    private void EndFill()
    {
        _fill?.TrySetResult();
        _fill = null;
    }

    /// <summary>
    /// Reads history after the last delivered seq until the target is delivered: the highest seq seen
    /// live, raised after each read to the room's newest stored seq. Live runs that arrive meanwhile
    /// only raise the target. If a read fails or makes no progress, the gap stays open for the next
    /// live event to fill.
    /// </summary>
    private async Task FillGapAsync()
    {
        try
        {
            while (true)
            {
                long after, target;
                lock (_lock)
                {
                    (after, target) = (_lastSeq, _fillTarget);
                    if (after >= target)
                    {
                        EndFill();
                        return;
                    }
                }

                var page = await grain.GetHistoryAsync(after, (int)Math.Min(target - after, int.MaxValue));
                Fanout(page.Messages);
                lock (_lock)
                {
                    _fillTarget = Math.Max(_fillTarget, page.LatestSeq);
                    if (_lastSeq <= after)
                    {
                        EndFill();
                        return;
                    }
                }
            }
        }
        catch (Exception exception)
        {
            LogGapFillFailed(exception, Room);
            lock (_lock)
            {
                EndFill();
            }
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Room {Room}: events after seq {Last} up to {Next} were not delivered; filling from history")]
    private partial void LogGap(string room, long last, long next);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Room {Room}: filling a gap from history failed")]
    private partial void LogGapFillFailed(Exception exception, string room);
}
