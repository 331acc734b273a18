using OrleansChat.Baseline.Transport;
using OrleansChat.Protocol;

namespace OrleansChat.Baseline.Rooms;

/// <summary>
/// One room in memory: its seq, its last messages and the sockets joined to it. Everything
/// happens under one lock per room, so seqs are assigned and enqueued to every member in the
/// same order, and a joiner's <c>joined</c> reply is queued before any message after its seq.
/// Enqueueing never blocks (a full queue closes that socket), so the lock is held briefly.
/// </summary>
internal sealed class Room
{
    private readonly Lock _lock = new();
    private readonly List<ChatSocket> _members = [];
    private readonly byte[][] _history = new byte[ChatLimits.HistoryLength][];
    private readonly string _epoch;
    private readonly TimeProvider _time;
    private int _historyCount;
    private int _historyNext;
    private long _seq;

    public Room(string name, string epoch, TimeProvider time)
    {
        Name = name;
        _epoch = epoch;
        _time = time;
    }

    public string Name { get; }

    /// <summary>Adds <paramref name="socket"/> (once) and queues the <c>joined</c> reply with the recent history.</summary>
    public void Join(ChatSocket socket)
    {
        lock (_lock)
        {
            if (!_members.Contains(socket))
            {
                _members.Add(socket);
            }

            socket.Enqueue(ServerFrames.Joined(Name, _epoch, _seq, History(), recovered: false, members: []));
        }
    }

    public void Leave(ChatSocket socket)
    {
        lock (_lock)
        {
            _members.Remove(socket);
        }
    }

    /// <summary>Stores a message, broadcasts one shared encoding of it, and acks it to the sender.</summary>
    public void Post(ChatSocket sender, string id, string text)
    {
        lock (_lock)
        {
            var seq = ++_seq;
            var frame = ServerFrames.Message(Name, seq, id, sender.User, text, _time.GetUtcNow());
            _history[_historyNext] = frame;
            _historyNext = (_historyNext + 1) % _history.Length;
            _historyCount = Math.Min(_historyCount + 1, _history.Length);
            foreach (var member in _members)
            {
                member.Enqueue(frame);
            }

            sender.Enqueue(ServerFrames.Ack(Name, id, seq));
        }
    }

    private List<byte[]> History()
    {
        var history = new List<byte[]>(_historyCount);
        var start = (_historyNext - _historyCount + _history.Length) % _history.Length;
        for (var i = 0; i < _historyCount; i++)
        {
            history.Add(_history[(start + i) % _history.Length]);
        }

        return history;
    }
}
