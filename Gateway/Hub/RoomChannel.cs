using Orleans.Streams;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Protocol;
using OrleansChat.Gateway.Sessions;

namespace OrleansChat.Gateway.Hub;

/// <summary>
/// One room on this gateway: the single stream subscription shared by every local socket in the
/// room, and the fan-out to them. Each event is serialized once and the bytes are shared.
/// It is a batch observer: the pulling agent hands over whole batch containers (a group commit
/// of the room grain, and with <c>Chat:Cluster:StreamDeliveryBatch</c> several queued ones) in
/// one call and awaits it before the next (<c>StreamSubscriptionHandleImpl.DeliverBatch</c> and
/// <c>PersistentStreamPullingAgent.RunConsumerCursor</c> in dotnet/orleans), so
/// <see cref="OnNextAsync"/> never runs concurrently with itself. Each socket gets all the
/// batch's messages back to back (copied into its send buffer on this thread when the socket is
/// idle, see <see cref="Transport.WebSocketConnection"/>), so the socket's send queue sends them
/// together instead of one system call per frame.
/// </summary>
internal sealed partial class RoomChannel(string room, IChatRoomGrain grain, ILogger logger, ChatMetrics metrics) : IAsyncBatchObserver<RoomEvent>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IRoomMember, MemberCursor> _members = [];

    // Sockets per name, so that a join or leave knows in O(1) whether it is the name's first or last here.
    private readonly Dictionary<string, int> _socketsPerUser = new(StringComparer.Ordinal);
    private long _lastSeq = -1;

    // A gap being filled from history (set while a fill runs, completed when it ends), and the
    // highest seq seen live meanwhile; both guarded by _lock.
    private TaskCompletionSource? _fill;
    private long _fillTarget = -1;

    /// <summary>Serializes subscribe, unsubscribe and resubscribe for this room.</summary>
    public SemaphoreSlim Lifecycle { get; } = new(1, 1);

    /// <summary>The room name.</summary>
    public string Room { get; } = room;

    /// <summary>The room's stream subscription while any local socket is in the room.</summary>
    public StreamSubscriptionHandle<RoomEvent>? Subscription { get; set; }

    /// <summary>Set once the channel is emptied and removed from the hub; a joiner that finds it closed makes a new one.</summary>
    public bool Closed { get; set; }

    /// <summary>The distinct names of the local sockets in the room.</summary>
    public IReadOnlyCollection<string> LocalUsers()
    {
        lock (_lock)
        {
            return [.. _socketsPerUser.Keys];
        }
    }

    /// <summary>
    /// Adds (or resets) a member that is about to read history; live events are held for it
    /// until <see cref="CompleteJoin"/>. True when it is its name's first socket here.
    /// </summary>
    public bool BeginJoin(IRoomMember member)
    {
        lock (_lock)
        {
            var isNew = !_members.ContainsKey(member);
            _members[member] = new MemberCursor { Pending = [] };
            if (!isNew)
            {
                return false;
            }

            metrics.RoomJoined();
            var sockets = _socketsPerUser.GetValueOrDefault(member.User) + 1;
            _socketsPerUser[member.User] = sockets;
            return sockets == 1;
        }
    }

    /// <summary>Sends the joined frame, then every held event after the history, so the member sees no gap and no repeat.</summary>
    public void CompleteJoin(IRoomMember member, byte[] joinedFrame, long historySeq)
    {
        lock (_lock)
        {
            if (!_members.TryGetValue(member, out var cursor))
            {
                return;
            }

            // Only a channel that has delivered nothing yet takes its position from history: advancing a
            // running channel past events still on their way would make its other members miss them.
            if (_lastSeq < 0)
            {
                _lastSeq = historySeq;
            }

            member.Deliver(joinedFrame, droppable: false);
            cursor.LastSeq = historySeq;
            foreach (var (seq, frame) in cursor.Pending!)
            {
                if (seq == 0)
                {
                    member.Deliver(frame, droppable: false);
                }
                else if (seq > cursor.LastSeq)
                {
                    member.Deliver(frame, droppable: false);
                    cursor.LastSeq = seq;
                }
            }

            cursor.Pending = null;
        }
    }

    /// <summary>Removes a member; returns the local members left, and whether it was its name's last socket here.</summary>
    public (int Remaining, bool NameGone) Remove(IRoomMember member)
    {
        lock (_lock)
        {
            if (!_members.Remove(member))
            {
                return (_members.Count, false);
            }

            metrics.RoomLeft();
            var sockets = _socketsPerUser[member.User] - 1;
            if (sockets > 0)
            {
                _socketsPerUser[member.User] = sockets;
                return (_members.Count, false);
            }

            _socketsPerUser.Remove(member.User);
            return (_members.Count, true);
        }
    }

    /// <inheritdoc />
    public Task OnNextAsync(IList<SequentialItem<RoomEvent>> items)
    {
        // Consecutive messages are fanned out together; a typing or presence event between them keeps its place.
        List<ChatMessage>? messages = null;
        foreach (var item in items)
        {
            if (item.Item is MessagePosted posted)
            {
                (messages ??= []).Add(posted.Message);
                continue;
            }

            if (messages is { Count: > 0 })
            {
                DeliverMessages(messages);
                messages.Clear();
            }

            DeliverSignal(item.Item);
        }

        if (messages is { Count: > 0 })
        {
            DeliverMessages(messages);
        }

        return Task.CompletedTask;
    }

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

    /// <inheritdoc />
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, Room);
        return Task.CompletedTask;
    }

    private void DeliverSignal(RoomEvent item)
    {
        switch (item)
        {
            case UserTyping typing:
                Broadcast(ServerFrames.Typing(Room, typing.User), droppable: true, except: typing.User);
                break;
            case PresenceChanged presence:
                // A socket knows its own name is present; it hears only about others.
                Broadcast(ServerFrames.Presence(Room, presence.User, presence.Joined), droppable: false, except: presence.User);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Delivers messages in seq order. A run that does not follow the last delivered seq means events
    /// went missing (the subscription was being set up, or the client was cut off): the grain's history
    /// is the truth, so the gap is filled from it, in the background. The stream's client delivers to all
    /// of a gateway's subscriptions one call at a time (<c>InvokableObjectManager.LocalObjectData</c> in
    /// dotnet/orleans), so awaiting a history read here would hold up every other room on this gateway.
    /// </summary>
    private void DeliverMessages(List<ChatMessage> messages)
    {
        var start = 0;
        while (start < messages.Count)
        {
            // A run of contiguous seqs goes out in one pass over the members.
            var end = start + 1;
            while (end < messages.Count && messages[end].Seq == messages[end - 1].Seq + 1)
            {
                end++;
            }

            FanoutLive(messages.GetRange(start, end - start));
            start = end;
        }
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

    /// <summary>Queues messages (in seq order) to every member, each member's share back to back; seqs already delivered are skipped.</summary>
    private void Fanout(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var frames = new (long Seq, byte[] Frame)[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            frames[i] = (messages[i].Seq, ServerFrames.Message(Room, messages[i]));
        }

        lock (_lock)
        {
            var first = 0;
            while (first < frames.Length && frames[first].Seq <= _lastSeq)
            {
                first++;
            }

            if (first == frames.Length)
            {
                return;
            }

            _lastSeq = frames[^1].Seq;
            for (var i = first; i < messages.Count; i++)
            {
                metrics.MessageDelivered(messages[i].Timestamp);
            }

            ReadOnlySpan<(long Seq, byte[] Frame)> fresh = frames.AsSpan(first);
            foreach (var (member, cursor) in _members)
            {
                if (cursor.Pending is { } pending)
                {
                    pending.AddRange(fresh);
                    continue;
                }

                foreach (var (seq, frame) in fresh)
                {
                    if (seq > cursor.LastSeq)
                    {
                        cursor.LastSeq = seq;
                        member.Deliver(frame, droppable: false);
                    }
                }
            }
        }
    }

    private void Broadcast(byte[] frame, bool droppable, string? except)
    {
        lock (_lock)
        {
            foreach (var (member, cursor) in _members)
            {
                if (string.Equals(member.User, except, StringComparison.Ordinal))
                {
                    continue;
                }

                if (cursor.Pending is { } pending)
                {
                    // Typing is ephemeral; anything else waits until the member has its history.
                    if (!droppable)
                    {
                        pending.Add((0, frame));
                    }
                }
                else
                {
                    member.Deliver(frame, droppable);
                }
            }
        }
    }

    private sealed class MemberCursor
    {
        public long LastSeq { get; set; }

        /// <summary>Events held while the member reads its history; seq 0 marks an event that is not a message.</summary>
        public List<(long Seq, byte[] Frame)>? Pending { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: stream error")]
    private partial void LogStreamError(Exception exception, string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room}: events after seq {Last} up to {Next} were not delivered; filling from history")]
    private partial void LogGap(string room, long last, long next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: filling a gap from history failed")]
    private partial void LogGapFillFailed(Exception exception, string room);
}
