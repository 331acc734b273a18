using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansChat.Grains.Storage;

namespace OrleansChat.Tests.Grains;

public sealed class ChatStorageSerializerTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private static readonly ChatStorageSerializer Storage = new(Services.GetRequiredService<Serializer>());

    private static RoomChunk ChunkOf(params string[] texts)
    {
        var buffer = new ChunkBuffer(Services.GetRequiredService<Serializer<ChatMessage>>());
        for (var i = 0; i < texts.Length; i++)
        {
            buffer.Append(new ChatMessage(i + 1, $"m-{i + 1}", "alice", texts[i], new DateTimeOffset(2026, 11, 27, 5, 0, 0, TimeSpan.Zero)));
        }

        return buffer.ToRecord();
    }

    [Fact]
    public void AChunkIsHandedToStorageAsItsOwnBytesWithoutACopy()
    {
        var chunk = ChunkOf("one", "two");

        var record = Storage.Serialize(chunk);

        Assert.True(MemoryMarshal.TryGetArray(chunk.Data, out var encoded));
        Assert.True(MemoryMarshal.TryGetArray(record.ToMemory(), out var stored));
        Assert.Same(encoded.Array, stored.Array);
        Assert.Equal((encoded.Offset, encoded.Count), (stored.Offset, stored.Count));
    }

    [Fact]
    public void AStoredChunkReadsBackWithItsCountAndMessages()
    {
        var chunk = ChunkOf("one", "héllo 👋", "three");

        var read = Storage.Deserialize<RoomChunk>(Storage.Serialize(chunk))!;

        Assert.Equal(3, read.Count);
        Assert.Equal(chunk.Data.ToArray(), read.Data.ToArray());
    }

    [Fact]
    public void AChunkRecordCutShortIsRefused()
    {
        var bytes = ChunkOf("one", "two").Data.ToArray();

        Assert.Throws<InvalidDataException>(() => Storage.Deserialize<RoomChunk>(new BinaryData(bytes[..^1])));
    }

    [Fact]
    public void OtherStatesGoThroughOrleansSerializer()
    {
        var head = new RoomHead { Epoch = "e-1", LastChunk = 7 };

        var read = Storage.Deserialize<RoomHead>(Storage.Serialize(head))!;

        Assert.Equal(("e-1", 7L), (read.Epoch, read.LastChunk));
        Assert.NotEqual(0, Storage.Serialize(head).ToMemory().Length);
    }
}
