using Orleans.Streams;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Hub;

/// <summary>
/// One room on this gateway: the single stream subscription shared by every local socket in the
/// room, and the fan-out to them. Each event is serialized once and the bytes are shared.
/// Orleans delivers a subscription's events one at a time (the pulling agent awaits each
/// delivery before the next), so <see cref="OnNextAsync"/> never runs concurrently with itself.
/// </summary>
internal sealed partial class RoomChannel(string room, IChatRoomGrain grain, ILogger logger, ChatMetrics metrics) : IAsyncObserver<RoomEvent>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IRoomMember, MemberCursor> _members = [];

    // Sockets per name, so that a join or leave knows in O(1) whether it is the name's first or last here.
    private readonly Dictionary<string, int> _socketsPerUser = new(StringComparer.Ordinal);
    private long _lastSeq = -1;

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
    public async Task OnNextAsync(RoomEvent item, StreamSequenceToken? token = null)
    {
        switch (item)
        {
            case MessagePosted posted:
                await DeliverMessageAsync(posted.Message);
                break;
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

    /// <summary>Fetches and delivers whatever was stored after the last seq this channel delivered (after a reconnect or a lost event).</summary>
    public async Task CatchUpAsync()
    {
        long from;
        lock (_lock)
        {
            from = _lastSeq;
        }

        if (from >= 0)
        {
            await FanoutFromHistoryAsync(from, int.MaxValue);
        }
    }

    /// <inheritdoc />
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, Room);
        return Task.CompletedTask;
    }

    private async Task DeliverMessageAsync(ChatMessage message)
    {
        long last;
        lock (_lock)
        {
            last = _lastSeq;
        }

        if (last >= 0 && message.Seq > last + 1)
        {
            // An event went missing (the subscription was being set up, or the client was cut off):
            // the grain's history is the truth, so fill the gap from it before going on.
            LogGap(Room, last, message.Seq);
            try
            {
                await FanoutFromHistoryAsync(last, (int)Math.Min(message.Seq - last - 1, int.MaxValue));
            }
            catch (Exception exception)
            {
                LogGapFillFailed(exception, Room);
            }
        }

        Fanout(message);
    }

    private async Task FanoutFromHistoryAsync(long after, int limit)
    {
        var page = await grain.GetHistoryAsync(after, limit);
        foreach (var message in page.Messages)
        {
            Fanout(message);
        }
    }

    private void Fanout(ChatMessage message)
    {
        var frame = ServerFrames.Message(Room, message);
        lock (_lock)
        {
            if (message.Seq <= _lastSeq)
            {
                return;
            }

            _lastSeq = message.Seq;
            metrics.MessageDelivered(message.Timestamp);
            foreach (var (member, cursor) in _members)
            {
                if (cursor.Pending is { } pending)
                {
                    pending.Add((message.Seq, frame));
                }
                else if (message.Seq > cursor.LastSeq)
                {
                    cursor.LastSeq = message.Seq;
                    member.Deliver(frame, droppable: false);
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
