namespace OrleansChat.Grains;

/// <summary>
/// The in-memory window of a room's newest messages and the (user, id) index that makes
/// posts idempotent within that window. It mirrors what storage holds; the grain keeps the two equal.
/// </summary>
internal sealed class RoomHistory(int window)
{
    private readonly List<ChatMessage> _messages = [];
    private readonly Dictionary<(string User, string Id), long> _bySender = [];

    /// <summary>The newest seq ever given in this room (0 for none).</summary>
    public long LatestSeq { get; private set; }

    /// <summary>The oldest seq still in the window (LatestSeq + 1 when empty).</summary>
    public long OldestSeq => _messages.Count == 0 ? LatestSeq + 1 : _messages[0].Seq;

    /// <summary>Adds a message that storage already holds; returns the seq that fell out of the window, if any.</summary>
    public void Add(ChatMessage message)
    {
        _messages.Add(message);
        _bySender[(message.User, message.Id)] = message.Seq;
        LatestSeq = message.Seq;
        if (_messages.Count > window)
        {
            var dropped = _messages[0];
            _messages.RemoveAt(0);
            _bySender.Remove((dropped.User, dropped.Id));
        }
    }

    /// <summary>The seq an earlier post with this (user, id) got, while it is within the window.</summary>
    public bool TryFindSeq(string user, string id, out long seq) => _bySender.TryGetValue((user, id), out seq);

    /// <summary>Messages with seq greater than <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<ChatMessage> After(long since, int limit)
    {
        var start = (int)Math.Clamp(since - OldestSeq + 1, 0, _messages.Count);
        var count = Math.Min(limit, _messages.Count - start);
        return count <= 0 ? [] : _messages.GetRange(start, count);
    }

    /// <summary>The <paramref name="limit"/> messages with seq just below <paramref name="before"/>, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Before(long before, int limit)
    {
        var end = (int)Math.Clamp(before - OldestSeq, 0, _messages.Count);
        var count = Math.Min(limit, end);
        return count <= 0 ? [] : _messages.GetRange(end - count, count);
    }

    /// <summary>The newest <paramref name="limit"/> messages, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Newest(int limit)
    {
        var count = Math.Min(limit, _messages.Count);
        return _messages.GetRange(_messages.Count - count, count);
    }
}
