using System.Buffers;
using System.Text.Json;

namespace OrleansChat.Protocol;

/// <summary>
/// Writes the frames a client sends, as the chat page writes them (Gateway/wwwroot/js/frames.js):
/// the same fields in the same order. Used by the bench's client and by tests.
/// </summary>
public static class ClientFrames
{
    /// <summary>An application-level ping, answered by <c>pong</c>.</summary>
    public static readonly byte[] Ping = FrameWriter.Write(static w => w.WriteString("type", "ping"));

    /// <summary>
    /// Joins <paramref name="room"/>; with <paramref name="since"/> (and the <paramref name="epoch"/> it was
    /// seen in) the reply carries every stored message after it.
    /// </summary>
    public static byte[] Join(string room, long? since = null, string? epoch = null) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "join");
        w.WriteString("room", room);
        if (since is { } value)
        {
            w.WriteNumber("since", value);
        }

        if (epoch is not null)
        {
            w.WriteString("epoch", epoch);
        }
    });

    /// <summary>Leaves <paramref name="room"/>.</summary>
    public static byte[] Leave(string room) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "leave");
        w.WriteString("room", room);
    });

    /// <summary>An ephemeral typing hint to <paramref name="room"/>.</summary>
    public static byte[] Typing(string room) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "typing");
        w.WriteString("room", room);
    });

    /// <summary>Posts <paramref name="text"/> to <paramref name="room"/> under the client's <paramref name="id"/>.</summary>
    public static byte[] Send(string room, string id, string text) => FrameWriter.Write(w => WriteSendFields(w, room, id, text));

    /// <summary>A writer for <see cref="WriteSend"/> that escapes as every other frame does.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> buffer) => new(buffer, FrameWriter.Options);

    /// <summary>
    /// Writes a send frame as one JSON object into a writer the caller owns (and flushes), so a client that
    /// sends all the time reuses its buffer instead of allocating a frame per message.
    /// </summary>
    public static void WriteSend(Utf8JsonWriter writer, string room, ReadOnlySpan<char> id, string text)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteSendFields(writer, room, id, text);
        writer.WriteEndObject();
    }

    private static void WriteSendFields(Utf8JsonWriter w, string room, ReadOnlySpan<char> id, string text)
    {
        w.WriteString("type", "send");
        w.WriteString("room", room);
        w.WriteString("id", id);
        w.WriteString("text", text);
    }
}
