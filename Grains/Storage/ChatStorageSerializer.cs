using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansChat.Grains.Storage;

/// <summary>
/// The storage serializer for the chat's grain storages. A <see cref="RoomChunk"/>'s record is
/// its <see cref="RoomChunk.Data"/> as it is: the messages are already encoded, each behind its
/// length (<see cref="ChunkBuffer"/>), so storing a chunk hands the provider a view of those bytes
/// instead of copying them into a new array, and the count is read back from the lengths. Every
/// other state (the room head, Orleans' pub-sub state) goes through Orleans' binary serializer.
/// </summary>
/// <remarks>
/// A post rewrites its room's current chunk, up to <c>Chat:Rooms:ChunkSize</c> messages, so the
/// copy saved is as large as the chunk (docs/decisions/0013-chunks-to-storage-without-copy.md).
/// The view stays valid because a chunk's stored bytes
/// never change afterwards (<see cref="ChunkBuffer"/>).
/// </remarks>
public sealed class ChatStorageSerializer(Serializer serializer) : IGrainStorageSerializer
{
    private readonly OrleansGrainStorageSerializer _other = new(serializer);

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input) =>
        input is RoomChunk chunk ? new BinaryData(chunk.Data) : _other.Serialize(input);

    /// <inheritdoc />
    public T? Deserialize<T>(BinaryData input)
    {
        if (typeof(T) != typeof(RoomChunk))
        {
            return _other.Deserialize<T>(input);
        }

        var data = input.ToMemory();
        return (T)(object)new RoomChunk { Count = ChunkBuffer.CountMessages(data.Span), Data = data };
    }
}
