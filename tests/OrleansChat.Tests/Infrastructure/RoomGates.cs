using System.Collections.Concurrent;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// Gates by room name, for the test silos' hooks (<see cref="FaultyGrainStorage"/>, <see cref="HeldRenewals"/>):
/// while a room is held, calls for it wait, counted, until it is released.
/// </summary>
public sealed class RoomGates
{
    private readonly ConcurrentDictionary<string, Gate> _held = new(StringComparer.Ordinal);

    /// <summary>Makes the room's calls wait until <see cref="Release"/>.</summary>
    public void Hold(string room) => _held[room] = new Gate();

    /// <summary>How many of the room's calls have started waiting since <see cref="Hold"/>.</summary>
    public int Waiting(string room) => _held.TryGetValue(room, out var gate) ? gate.Waiting : 0;

    /// <summary>Lets the room's waiting calls, and later ones, go on.</summary>
    public void Release(string room)
    {
        if (_held.TryRemove(room, out var gate))
        {
            gate.Open();
        }
    }

    /// <summary>Waits while the room is held (at once when it is not).</summary>
    public Task PassAsync(string room) => _held.TryGetValue(room, out var gate) ? gate.PassAsync() : Task.CompletedTask;

    /// <summary>Holds the calls that reach it until it opens, counting how many came.</summary>
    private sealed class Gate
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public Task PassAsync()
        {
            Interlocked.Increment(ref _waiting);
            return _open.Task;
        }

        public void Open() => _open.TrySetResult();
    }
}
