namespace OrleansChat.Grains;

/// <summary>
/// The in-memory window of a room's newest messages and the (user, id) index that makes
/// posts idempotent within that window. It mirrors what storage holds; the grain keeps the two equal.
/// </summary>
/// <remarks>
/// The window is a ring: once full, a post overwrites the oldest message in place instead of
/// shifting the others down. The ring grows by doubling up to the window, so a room with few
/// messages holds no more than it needs. Seqs in the window are contiguous, so a seq's place is
/// found by arithmetic.
/// </remarks>
internal sealed class RoomHistory(int window)
{
    private readonly Dictionary<(string User, string Id), long> _bySender = [];
    private ChatMessage[] _ring = [];
    private int _start;

    /// <summary>How many messages the window holds.</summary>
    public int Count { get; private set; }

    /// <summary>The newest seq ever given in this room (0 for none).</summary>
    public long LatestSeq { get; private set; }

    /// <summary>The oldest seq still in the window (LatestSeq + 1 when empty).</summary>
    public long OldestSeq => Count == 0 ? LatestSeq + 1 : _ring[_start].Seq;

    /// <summary>Adds a message that storage already holds, the oldest leaving when the window is full.</summary>
    public void Add(ChatMessage message)
    {
        LatestSeq = message.Seq;
        if (window <= 0)
        {
            return;
        }

        if (Count == window)
        {
            var dropped = _ring[_start];
            _bySender.Remove((dropped.User, dropped.Id));
            _ring[_start] = message;
            _start = (_start + 1) % _ring.Length;
        }
        else
        {
            if (Count == _ring.Length)
            {
                Grow();
            }

            _ring[(_start + Count) % _ring.Length] = message;
            Count++;
        }

        _bySender[(message.User, message.Id)] = message.Seq;
    }

    /// <summary>The seq an earlier post with this (user, id) got, while it is within the window.</summary>
    public bool TryFindSeq(string user, string id, out long seq) => _bySender.TryGetValue((user, id), out seq);

    /// <summary>Messages with seq greater than <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<ChatMessage> After(long since, int limit)
    {
        var first = (int)Math.Clamp(since - OldestSeq + 1, 0, Count);
        return Range(first, Math.Min(limit, Count - first));
    }

    /// <summary>The newest <paramref name="limit"/> messages, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Newest(int limit)
    {
        var count = Math.Clamp(limit, 0, Count);
        return Range(Count - count, count);
    }

    /// <summary>The newest <paramref name="limit"/> messages with seq less than <paramref name="beforeSeq"/>, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Before(long beforeSeq, int limit)
    {
        var end = (int)Math.Clamp(beforeSeq - OldestSeq, 0, Count);
        var count = Math.Clamp(limit, 0, end);
        return Range(end - count, count);
    }

    // The count messages from the first-th oldest on, copied out of the ring.
    private ChatMessage[] Range(int first, int count)
    {
        if (count <= 0)
        {
            return [];
        }

        var messages = new ChatMessage[count];
        var head = (_start + first) % _ring.Length;
        var untilEnd = Math.Min(count, _ring.Length - head);
        Array.Copy(_ring, head, messages, 0, untilEnd);
        Array.Copy(_ring, 0, messages, untilEnd, count - untilEnd);
        return messages;
    }

    // Doubles the ring (up to the window), its messages moved to the start, oldest first.
    private void Grow()
    {
        var grown = new ChatMessage[Math.Min(window, Math.Max(4, _ring.Length * 2))];
        var copied = Range(0, Count);
        copied.CopyTo(grown, 0);
        (_ring, _start) = (grown, 0);
    }
}
