using System.Collections.Concurrent;
using Orleans.Storage;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// Wraps the silo's real room storage so tests can make writes fail or wait for one room, and can
/// see how many messages each write carried. The test silos run in this process, so a static
/// switchboard reaches them.
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, bool> FailingRooms = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<int>> WriteSizes = new(StringComparer.Ordinal);
    private static readonly RoomGates HeldRooms = new();

    /// <summary>Makes every write for the room fail until <see cref="Heal"/>.</summary>
    public static void Fail(string room) => FailingRooms[room] = true;

    /// <summary>Lets writes for the room succeed again.</summary>
    public static void Heal(string room) => FailingRooms.TryRemove(room, out _);

    /// <summary>Makes every write for the room wait until <see cref="Release"/> (and then succeed or fail as set).</summary>
    public static void Hold(string room) => HeldRooms.Hold(room);

    /// <summary>How many writes for the room have started waiting since <see cref="Hold"/>.</summary>
    public static int HeldWrites(string room) => HeldRooms.Waiting(room);

    /// <summary>Lets the room's waiting writes, and later ones, go on.</summary>
    public static void Release(string room) => HeldRooms.Release(room);

    /// <summary>For each chunk write of the room, how many messages the written record held.</summary>
    public static IReadOnlyCollection<int> ChunkWriteSizes(string room) =>
        WriteSizes.TryGetValue(room, out var sizes) ? sizes.ToArray() : [];

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var room = grainId.Key.ToString()!;
        await HeldRooms.PassAsync(room);

        if (FailingRooms.ContainsKey(room))
        {
            throw new IOException($"injected storage failure for room {room}");
        }

        if (grainState.State is global::OrleansChat.Grains.Storage.RoomChunk chunk)
        {
            WriteSizes.GetOrAdd(room, _ => new()).Enqueue(chunk.Count);
        }

        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
