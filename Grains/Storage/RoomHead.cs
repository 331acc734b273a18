namespace OrleansChat.Grains.Storage;

/// <summary>
/// The small record that says a room exists: its epoch, and the newest chunk known. It is
/// rewritten only when a new chunk starts, so it costs one write per <see cref="ChatRoomOptions.ChunkSize"/> messages.
/// </summary>
[GenerateSerializer, Alias("chat.room-head")]
public sealed class RoomHead
{
    /// <summary>Changes only when the room's storage is lost; a new room gets a new epoch.</summary>
    [Id(0)] public string Epoch { get; set; } = "";

    /// <summary>The index of the newest chunk written (or about to be).</summary>
    [Id(1)] public long LastChunk { get; set; }
}
