using System.Buffers.Binary;
using Orleans.Serialization;

namespace OrleansChat.Grains;

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

    /// <summary>Forgets what was appended after the chunk had <paramref name="length"/> bytes and <paramref name="count"/> messages.</summary>
    public void Truncate(int length, int count) => (Length, Count) = (length, count);

    /// <summary>The record to store: a view of the messages encoded so far.</summary>
    public RoomChunk ToRecord() => new() { Count = Count, Data = _bytes.AsMemory(0, Length) };

    /// <summary>Decodes a stored chunk's messages, oldest first, into <paramref name="into"/>.</summary>
    public void Decode(RoomChunk chunk, List<ChatMessage> into)
    {
        var span = chunk.Data.Span;
        var offset = 0;
        for (var i = 0; i < chunk.Count; i++)
        {
            if (span.Length - offset < LengthPrefix)
            {
                throw new InvalidDataException($"a stored chunk ends after {i} of its {chunk.Count} messages");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
            if (length < 0 || length > span.Length - offset - LengthPrefix)
            {
                throw new InvalidDataException($"message {i} of a stored chunk runs past its end");
            }

            into.Add(serializer.Deserialize(chunk.Data.Slice(offset + LengthPrefix, length))
                ?? throw new InvalidDataException($"message {i} of a stored chunk is empty"));
            offset += LengthPrefix + length;
        }

        if (offset != span.Length)
        {
            throw new InvalidDataException($"a stored chunk has {span.Length - offset} bytes after its {chunk.Count} messages");
        }
    }
}
