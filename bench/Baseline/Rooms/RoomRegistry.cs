using System.Collections.Concurrent;

namespace OrleansChat.Baseline.Rooms;

/// <summary>Every room of the process, created on first join and kept (with its history) for the process's life.</summary>
internal sealed class RoomRegistry
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public RoomRegistry(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Changes on every start: the history of a previous process is gone.</summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N");

    public Room GetOrAdd(string name) => _rooms.GetOrAdd(name, static (key, self) => new Room(key, self.Epoch, self._time), this);
}
