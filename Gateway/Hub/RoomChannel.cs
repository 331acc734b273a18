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
    private long _lastSeq = -1;

    /// <summary>Serializes subscribe, unsubscribe and resubscribe for this room.</summary>
    public SemaphoreSlim Lifecycle { get; } = new(1, 1);

    /// <summary>The room name.</summary>
    public string Room { get; } = room;

    /// <summary>The room's stream subscription while any local socket is in the room.</summary>
    public StreamSubscriptionHandle<RoomEvent>? Subscription { get; set; }

    /// <summary>Set once the channel is emptied and removed from the hub; a joiner that finds it closed makes a new one.</summary>
    public bool Closed { get; set; }

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

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Room {Room}: stream error")]
    private partial void LogStreamError(Exception exception, string room);
}
