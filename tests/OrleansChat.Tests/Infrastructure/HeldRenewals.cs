namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A test silo's incoming call filter that makes presence renewals (<see cref="IChatRoomGrain.RenewAsync"/>)
/// to the rooms it is told of wait until released, to see how many a gateway has in flight at once.
/// </summary>
public sealed class HeldRenewals : IIncomingGrainCallFilter
{
    private static readonly RoomGates HeldRooms = new();

    /// <summary>Makes the room's renewals wait until <see cref="Release"/>.</summary>
    public static void Hold(string room) => HeldRooms.Hold(room);

    /// <summary>How many renewals of the room have started waiting since <see cref="Hold"/>.</summary>
    public static int Waiting(string room) => HeldRooms.Waiting(room);

    /// <summary>Lets the room's waiting renewals, and later ones, go on.</summary>
    public static void Release(string room) => HeldRooms.Release(room);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IChatRoomGrain.RenewAsync))
        {
            await HeldRooms.PassAsync(context.TargetId.Key.ToString()!);
        }

        await context.Invoke();
    }
}
