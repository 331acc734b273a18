using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansChat.Gateway.Protocol;

/// <summary>
/// Writes the server's frames as UTF-8 JSON bytes. A broadcast is written once and the same
/// bytes are queued on every socket. Text is written without HTML escaping: the wire carries
/// it as sent, and the page renders it as text.
/// </summary>
public static class ServerFrames
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The pong answering a client's ping.</summary>
    public static readonly byte[] Pong = Write(static w => w.WriteString("type", "pong"));

    /// <summary>The first frame on every socket.</summary>
    public static byte[] Welcome(string user, string connectionId) => Write(w =>
    {
        w.WriteString("type", "welcome");
        w.WriteString("user", user);
        w.WriteString("connectionId", connectionId);
    });

    /// <summary>The reply to a join: the room's latest seq, the history asked for, and who is here.</summary>
    public static byte[] Joined(string room, HistoryPage page, bool recovered, IEnumerable<string> members) => Write(w =>
    {
        w.WriteString("type", "joined");
        w.WriteString("room", room);
        w.WriteString("epoch", page.Epoch);
        w.WriteNumber("seq", page.LatestSeq);
        // Beyond the contract: the page hides its "load older" once it shows this seq.
        w.WriteNumber("oldest", OldestKept(page));
        WriteMessages(w, "history", room, page.Messages);
        w.WriteBoolean("recovered", recovered);
        w.WriteStartArray("members");
        foreach (var member in members)
        {
            w.WriteStringValue(member);
        }

        w.WriteEndArray();
    });

    /// <summary>A stored message, as broadcast to every socket in the room.</summary>
    public static byte[] Message(string room, ChatMessage message) => Write(w => WriteMessage(w, room, message));

    /// <summary>The acknowledgement of a send, only once the message is stored.</summary>
    public static byte[] Ack(string room, string id, long seq) => Write(w =>
    {
        w.WriteString("type", "ack");
        w.WriteString("room", room);
        w.WriteString("id", id);
        w.WriteNumber("seq", seq);
    });

    /// <summary>A name's first connection joined, or its last one left.</summary>
    public static byte[] Presence(string room, string user, bool joined) => Write(w =>
    {
        w.WriteString("type", "presence");
        w.WriteString("room", room);
        w.WriteString("user", user);
        w.WriteString("event", joined ? "join" : "leave");
    });

    /// <summary>Someone else is typing.</summary>
    public static byte[] Typing(string room, string user) => Write(w =>
    {
        w.WriteString("type", "typing");
        w.WriteString("room", room);
        w.WriteString("user", user);
    });

    /// <summary>The reply to a leave.</summary>
    public static byte[] Left(string room) => Write(w =>
    {
        w.WriteString("type", "left");
        w.WriteString("room", room);
    });

    /// <summary>The reply to a valid <c>refresh</c>: the new token's <c>exp</c> in Unix seconds.</summary>
    public static byte[] Refreshed(DateTimeOffset expires) => Write(w =>
    {
        w.WriteString("type", "refreshed");
        w.WriteNumber("exp", expires.ToUnixTimeSeconds());
    });

    /// <summary>The lowest seq the room still keeps, 0 when it keeps none (the grain says latest + 1 then).</summary>
    public static long OldestKept(HistoryPage page) => page.OldestSeq > page.LatestSeq ? 0 : page.OldestSeq;

    /// <summary>A failed request; the connection stays open.</summary>
    public static byte[] Error(ProtocolError error) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("code", error.Code);
        w.WriteString("message", error.Message);
        if (error.Id is not null)
        {
            w.WriteString("id", error.Id);
        }

        if (error.Room is not null)
        {
            w.WriteString("room", error.Room);
        }
    });

    /// <summary>The wire form of a timestamp: UTC, milliseconds, ISO 8601.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes an array property of message objects, oldest first.</summary>
    public static void WriteMessages(Utf8JsonWriter w, string property, string room, IEnumerable<ChatMessage> messages)
    {
        w.WriteStartArray(property);
        foreach (var message in messages)
        {
            w.WriteStartObject();
            WriteMessage(w, room, message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Writes a message's fields (with <c>type</c>) into the current JSON object.</summary>
    public static void WriteMessage(Utf8JsonWriter w, string room, ChatMessage message)
    {
        w.WriteString("type", "message");
        w.WriteString("room", room);
        w.WriteNumber("seq", message.Seq);
        w.WriteString("id", message.Id);
        w.WriteString("user", message.User);
        w.WriteString("text", message.Text);
        w.WriteString("ts", FormatTimestamp(message.Timestamp));
    }

    // Each thread keeps one buffer and one writer for the frames it writes. A fresh 256-byte
    // ArrayBufferWriter grew (allocate, copy) on almost every message frame, because
    // Utf8JsonWriter asks for room for the worst-case escaping of each value before writing it;
    // it was about 4 % of the gateway's CPU in `rooms` (docs/performance-notes.md). A buffer that
    // grew past RetainedCapacity (a long history) is not kept.
    private const int InitialCapacity = 16 * 1024;
    private const int RetainedCapacity = 128 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(InitialCapacity);
        var writer = t_writer ?? new Utf8JsonWriter(buffer, WriterOptions);
        // Taken off the thread while in use: a frame written from inside body (none is) gets its own pair.
        t_buffer = null;
        t_writer = null;
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
        writer.Flush();
        var frame = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity <= RetainedCapacity)
        {
            t_buffer = buffer;
            t_writer = writer;
        }

        return frame;
    }
}
