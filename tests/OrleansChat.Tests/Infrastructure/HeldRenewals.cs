using System.Collections.Concurrent;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A test silo's incoming call filter that makes presence renewals (<see cref="IChatRoomGrain.RenewAsync"/>)
/// to the rooms it is told of wait until released, to see how many a gateway has in flight at once.
/// </summary>
public sealed class HeldRenewals : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, Gate> HeldRooms = new(StringComparer.Ordinal);

    /// <summary>Makes the room's renewals wait until <see cref="Release"/>.</summary>
    public static void Hold(string room) => HeldRooms[room] = new Gate();

    /// <summary>How many renewals of the room have started waiting since <see cref="Hold"/>.</summary>
    public static int Waiting(string room) => HeldRooms.TryGetValue(room, out var gate) ? gate.Waiting : 0;

    /// <summary>Lets the room's waiting renewals, and later ones, go on.</summary>
    public static void Release(string room)
    {
        if (HeldRooms.TryRemove(room, out var gate))
        {
            gate.Open();
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IChatRoomGrain.RenewAsync)
            && HeldRooms.TryGetValue(context.TargetId.Key.ToString()!, out var gate))
        {
            await gate.PassAsync();
        }

        await context.Invoke();
    }
}
