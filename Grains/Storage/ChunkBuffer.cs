using System.Buffers.Binary;
using Orleans.Serialization;

namespace OrleansChat.Grains.Storage;

/// <summary>
/// The room's current chunk as it grows: each message is encoded once, when it is appended, and
/// every record handed to storage is a view of the bytes written so far. Bytes inside a view that
/// was stored are never changed afterwards (growing moves to a new array), so a storage provider
/// that keeps the record it was given still sees what it stored.
/// </summary>
internal sealed class ChunkBuffer(Serializer<ChatMessage> serializer)
{
    private const int LengthPrefix = sizeof(int);
    private byte[] _bytes = [];

    /// <summary>The length of the encoded messages.</summary>
    public int Length { get; private set; }

    /// <summary>How many messages are encoded.</summary>
    public int Count { get; private set; }

    /// <summary>Starts over with the messages of a stored chunk (or none).</summary>
    public void Reset(RoomChunk? stored)
    {
        _bytes = stored?.Data.ToArray() ?? [];
        (Length, Count) = (_bytes.Length, stored?.Count ?? 0);
    }

    /// <summary>Encodes a message after the others.</summary>
    public void Append(ChatMessage message)
    {
        var encoded = serializer.SerializeToArray(message);
        var needed = Length + LengthPrefix + encoded.Length;
        if (needed > _bytes.Length)
        {
            var grown = new byte[Math.Max(needed, _bytes.Length * 2)];
            _bytes.AsSpan(0, Length).CopyTo(grown);
            _bytes = grown;
        }

        BinaryPrimitives.WriteInt32LittleEndian(_bytes.AsSpan(Length), encoded.Length);
        encoded.CopyTo(_bytes.AsSpan(Length + LengthPrefix));
        Length = needed;
        Count++;
    }

    /// <summary>
    /// Forgets what was appended after the chunk had <paramref name="length"/> bytes and
    /// <paramref name="count"/> messages. A write that failed may still have been stored (a
    /// timeout after the store), so its bytes are left as they are and appends go on in a copy.
    /// </summary>
    public void Truncate(int length, int count)
    {
        _bytes = _bytes.AsSpan(0, length).ToArray();
        (Length, Count) = (length, count);
    }

    /// <summary>The record to store: a view of the messages encoded so far.</summary>
    public RoomChunk ToRecord() => new() { Count = Count, Data = _bytes.AsMemory(0, Length) };

    /// <summary>Decodes a stored chunk's messages, oldest first, into <paramref name="into"/>.</summary>
    public void Decode(RoomChunk chunk, List<ChatMessage> into)
    {
        var offset = 0;
        for (var i = 0; i < chunk.Count; i++)
        {
            var length = NextLength(chunk.Data.Span, offset, i)
                ?? throw new InvalidDataException($"a stored chunk ends after {i} of its {chunk.Count} messages");
            into.Add(serializer.Deserialize(chunk.Data.Slice(offset + LengthPrefix, length))
                ?? throw new InvalidDataException($"message {i} of a stored chunk is empty"));
            offset += LengthPrefix + length;
        }

        if (offset != chunk.Data.Length)
        {
            throw new InvalidDataException($"a stored chunk has {chunk.Data.Length - offset} bytes after its {chunk.Count} messages");
        }
    }

    /// <summary>How many messages a stored chunk's bytes hold; throws if they do not end with a whole message.</summary>
    public static int CountMessages(ReadOnlySpan<byte> data)
    {
        var (offset, count) = (0, 0);
        while (offset < data.Length)
        {
            var length = NextLength(data, offset, count)
                ?? throw new InvalidDataException($"a stored chunk ends inside the length of message {count}");
            offset += LengthPrefix + length;
            count++;
        }

        return count;
    }

    // The length of the message whose prefix starts at offset; null when no prefix fits there.
    private static int? NextLength(ReadOnlySpan<byte> data, int offset, int index)
    {
        if (data.Length - offset < LengthPrefix)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        return length < 0 || length > data.Length - offset - LengthPrefix
            ? throw new InvalidDataException($"message {index} of a stored chunk runs past its end")
            : length;
    }
}
