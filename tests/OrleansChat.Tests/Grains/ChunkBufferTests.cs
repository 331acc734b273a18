using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansChat.Grains.Storage;

namespace OrleansChat.Tests.Grains;

public sealed class ChunkBufferTests
{
    private static readonly Serializer<ChatMessage> Serializer =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<ChatMessage>>();

    private static ChatMessage Message(long seq, string text = "hello") =>
        new(seq, $"m-{seq}", "alice", text, new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.FromHours(1)));

    private static List<ChatMessage> Decode(ChunkBuffer buffer, RoomChunk chunk)
    {
        var messages = new List<ChatMessage>();
        buffer.Decode(chunk, messages);
        return messages;
    }

    [Fact]
    public void AWriteAddsOnlyItsOwnMessagesToTheRecordBeforeIt()
    {
        var buffer = new ChunkBuffer(Serializer);
        buffer.Append(Message(1));
        var first = buffer.ToRecord().Data.ToArray();

        buffer.Append(Message(2));
        buffer.Append(Message(3, "héllo 👋"));
        var second = buffer.ToRecord();

        Assert.Equal(3, second.Count);
        Assert.Equal(first, second.Data[..first.Length].ToArray());
        Assert.Equal([Message(1), Message(2), Message(3, "héllo 👋")], Decode(buffer, second));
    }

    [Fact]
    public void AStoredRecordKeepsItsBytesWhileTheChunkGrowsAndForgetsAFailedBatch()
    {
        var buffer = new ChunkBuffer(Serializer);
        buffer.Append(Message(1));
        var stored = buffer.ToRecord();
        var bytes = stored.Data.ToArray();

        var (length, count) = (buffer.Length, buffer.Count);
        buffer.Append(Message(2, "a failed write"));
        buffer.Truncate(length, count);
        for (var seq = 2; seq <= 64; seq++)
        {
            buffer.Append(Message(seq, new string('x', 100)));
        }

        Assert.Equal(bytes, stored.Data.ToArray());
        var all = Decode(buffer, buffer.ToRecord());
        Assert.Equal(Enumerable.Range(1, 64).Select(seq => (long)seq), all.Select(m => m.Seq));
        Assert.DoesNotContain(all, m => m.Text == "a failed write");
    }

    [Fact]
    public void AppendingGoesOnAfterTheMessagesOfALoadedChunk()
    {
        var writer = new ChunkBuffer(Serializer);
        writer.Append(Message(1));
        writer.Append(Message(2));
        var stored = writer.ToRecord();

        var reloaded = new ChunkBuffer(Serializer);
        reloaded.Reset(stored);
        reloaded.Append(Message(3));

        Assert.Equal([Message(1), Message(2), Message(3)], Decode(reloaded, reloaded.ToRecord()));
    }

    [Fact]
    public void ACorruptChunkIsRefusedRatherThanReadAsFewerMessages()
    {
        var buffer = new ChunkBuffer(Serializer);
        buffer.Append(Message(1));
        buffer.Append(Message(2));
        var good = buffer.ToRecord();

        Assert.Throws<InvalidDataException>(() => Decode(buffer, new RoomChunk { Count = 3, Data = good.Data }));
        Assert.Throws<InvalidDataException>(() => Decode(buffer, new RoomChunk { Count = 1, Data = good.Data }));
        Assert.Throws<InvalidDataException>(() => Decode(buffer, new RoomChunk { Count = 2, Data = good.Data[..^1] }));
    }

    [Fact]
    public void AFailedBatchKeepsItsBytesWhileTheChunkGoesOnWithoutIt()
    {
        // The first message fills the first array exactly; the second grows it to twice that,
        // so the failed batch and what comes after it fit in the same array.
        var buffer = new ChunkBuffer(Serializer);
        buffer.Append(Message(1, new string('x', 200)));
        buffer.Append(Message(2));
        var (length, count) = (buffer.Length, buffer.Count);
        buffer.Append(Message(3, "the write that failed"));
        var failed = buffer.ToRecord();
        var failedBytes = failed.Data.ToArray();

        buffer.Truncate(length, count);
        buffer.Append(Message(3, "the retry, stored"));

        Assert.Equal(failedBytes, failed.Data.ToArray());
        Assert.Equal("the retry, stored", Decode(buffer, buffer.ToRecord())[^1].Text);
    }

    [Fact]
    public void TheMessagesOfAChunkAreCountedFromTheirLengths()
    {
        var buffer = new ChunkBuffer(Serializer);
        Assert.Equal(0, ChunkBuffer.CountMessages(buffer.ToRecord().Data.Span));
        buffer.Append(Message(1));
        buffer.Append(Message(2, "héllo 👋"));
        buffer.Append(Message(3));
        var data = buffer.ToRecord().Data;

        Assert.Equal(3, ChunkBuffer.CountMessages(data.Span));
        Assert.Throws<InvalidDataException>(() => ChunkBuffer.CountMessages(data[..^1].Span));
        Assert.Throws<InvalidDataException>(() => ChunkBuffer.CountMessages([.. data.Span, 1, 0]));
    }
}
