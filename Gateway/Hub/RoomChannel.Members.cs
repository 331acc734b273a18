using OrleansChat.Gateway.Sessions;

namespace OrleansChat.Gateway.Hub;

// Membership: which local sockets are in the room, under which names, and their joins, which hold live events until the history is sent.
internal sealed partial class RoomChannel
{
    // Sockets per name, so that a join or leave knows in O(1) whether it is the name's first or last here.
    private readonly Dictionary<string, int> _socketsPerUser = new(StringComparer.Ordinal);

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
}
