using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansChat.Baseline.Protocol;

/// <summary>
/// Encodes server frames. Each call returns one exactly-sized array, which a broadcast then
/// shares between every socket of the room; the writer and its buffer are reused per thread.
/// Text is escaped only as JSON requires (no HTML escaping on the wire).
/// </summary>
internal static class ServerFrames
{
    public static readonly byte[] Pong = """{"type":"pong"}"""u8.ToArray();

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    public static byte[] Welcome(string user, string connectionId)
    {
        var w = Start("welcome");
        w.WriteString("user"u8, user);
        w.WriteString("connectionId"u8, connectionId);
        return Finish(w);
    }

    public static byte[] Message(ReadOnlySpan<byte> room, long seq, ReadOnlySpan<byte> id, string user, ReadOnlySpan<byte> text, DateTimeOffset timestamp)
    {
        Span<char> ts = stackalloc char[24];
        timestamp.UtcDateTime.TryFormat(ts, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var w = Start("message");
        w.WriteString("room"u8, room);
        w.WriteNumber("seq"u8, seq);
        w.WriteString("id"u8, id);
        w.WriteString("user"u8, user);
        w.WriteString("text"u8, text);
        w.WriteString("ts"u8, ts[..written]);
        return Finish(w);
    }

    public static byte[] Ack(ReadOnlySpan<byte> room, ReadOnlySpan<byte> id, long seq)
    {
        var w = Start("ack");
        w.WriteString("room"u8, room);
        w.WriteString("id"u8, id);
        w.WriteNumber("seq"u8, seq);
        return Finish(w);
    }

    /// <summary>The reply to <c>join</c>; <paramref name="history"/> holds encoded message frames, oldest first.</summary>
    public static byte[] Joined(ReadOnlySpan<byte> room, string epoch, long seq, IEnumerable<byte[]> history)
    {
        var w = Start("joined");
        w.WriteString("room"u8, room);
        w.WriteString("epoch"u8, epoch);
        w.WriteNumber("seq"u8, seq);
        w.WriteStartArray("history"u8);
        foreach (var message in history)
        {
            w.WriteRawValue(message, skipInputValidation: true);
        }

        w.WriteEndArray();
        w.WriteBoolean("recovered"u8, false);
        w.WriteStartArray("members"u8);
        w.WriteEndArray();
        return Finish(w);
    }

    public static byte[] Left(ReadOnlySpan<byte> room)
    {
        var w = Start("left");
        w.WriteString("room"u8, room);
        return Finish(w);
    }

    public static byte[] Error(string code, string message, ReadOnlySpan<byte> id = default, ReadOnlySpan<byte> room = default)
    {
        var w = Start("error");
        w.WriteString("code"u8, code);
        w.WriteString("message"u8, message);
        if (!id.IsEmpty)
        {
            w.WriteString("id"u8, id);
        }

        if (!room.IsEmpty)
        {
            w.WriteString("room"u8, room);
        }

        return Finish(w);
    }

    private static Utf8JsonWriter Start(string type)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = _writer ??= new Utf8JsonWriter(buffer, Options);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        return writer;
    }

    private static byte[] Finish(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.Flush();
        return _buffer!.WrittenSpan.ToArray();
    }
}
