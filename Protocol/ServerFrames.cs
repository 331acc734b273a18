using System.Globalization;
using System.Text.Json;

namespace OrleansChat.Protocol;

/// <summary>
/// Writes the server's frames as UTF-8 JSON bytes. A broadcast is written once and the same
/// bytes are queued on every socket. Text is written without HTML escaping: the wire carries
/// it as sent, and the page renders it as text.
/// </summary>
public static class ServerFrames
{
    /// <summary>The pong answering a client's ping.</summary>
    public static readonly byte[] Pong = FrameWriter.Write(static w => w.WriteString("type", "pong"));

    /// <summary>The first frame on every socket.</summary>
    public static byte[] Welcome(string user, string connectionId) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "welcome");
        w.WriteString("user", user);
        w.WriteString("connectionId", connectionId);
    });

    /// <summary>
    /// The reply to a join: the room's latest seq, the history asked for, and who is here; with
    /// <paramref name="oldest"/>, also the lowest seq the room keeps (0 for none), beyond the
    /// contract's fields, so a page knows when there is nothing older to load.
    /// </summary>
    public static byte[] Joined(string room, string epoch, long seq, IEnumerable<IWireMessage> history, bool recovered, IEnumerable<string> members, long? oldest = null) =>
        FrameWriter.Write(w =>
        {
            WriteJoinedHead(w, room, epoch, seq);
            if (oldest is { } kept)
            {
                w.WriteNumber("oldest", kept);
            }

            WriteMessages(w, "history", room, history);
            WriteJoinedTail(w, recovered, members);
        });

    /// <summary>
    /// The reply to a join whose history is already written: each item is a <see cref="Message(string, IWireMessage)"/>
    /// frame, oldest first, copied as it is.
    /// </summary>
    public static byte[] Joined(string room, string epoch, long seq, IEnumerable<byte[]> encodedHistory, bool recovered, IEnumerable<string> members) =>
        FrameWriter.Write(w =>
        {
            WriteJoinedHead(w, room, epoch, seq);
            w.WriteStartArray("history");
            foreach (var message in encodedHistory)
            {
                w.WriteRawValue(message, skipInputValidation: true);
            }

            w.WriteEndArray();
            WriteJoinedTail(w, recovered, members);
        });

    /// <summary>A stored message, as broadcast to every socket in the room.</summary>
    public static byte[] Message(string room, IWireMessage message) => FrameWriter.Write(w => WriteMessage(w, room, message));

    /// <summary>A stored message, from its fields.</summary>
    public static byte[] Message(string room, long seq, string id, string user, string text, DateTimeOffset timestamp) =>
        FrameWriter.Write(w => WriteMessage(w, room, seq, id, user, text, timestamp));

    /// <summary>The acknowledgement of a send, only once the message is stored.</summary>
    public static byte[] Ack(string room, string id, long seq) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "ack");
        w.WriteString("room", room);
        w.WriteString("id", id);
        w.WriteNumber("seq", seq);
    });

    /// <summary>A name's first connection joined, or its last one left.</summary>
    public static byte[] Presence(string room, string user, bool joined) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "presence");
        w.WriteString("room", room);
        w.WriteString("user", user);
        w.WriteString("event", joined ? "join" : "leave");
    });

    /// <summary>Someone else is typing.</summary>
    public static byte[] Typing(string room, string user) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "typing");
        w.WriteString("room", room);
        w.WriteString("user", user);
    });

    /// <summary>The reply to a leave.</summary>
    public static byte[] Left(string room) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "left");
        w.WriteString("room", room);
    });

    /// <summary>The reply to a valid <c>refresh</c>: the new token's <c>exp</c> in Unix seconds.</summary>
    public static byte[] Refreshed(DateTimeOffset expires) => FrameWriter.Write(w =>
    {
        w.WriteString("type", "refreshed");
        w.WriteNumber("exp", expires.ToUnixTimeSeconds());
    });

    /// <summary>A failed request; the connection stays open.</summary>
    public static byte[] Error(ProtocolError error) => FrameWriter.Write(w =>
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

    /// <summary>Writes an array property of message objects, oldest first.</summary>
    public static void WriteMessages(Utf8JsonWriter w, string property, string room, IEnumerable<IWireMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(messages);
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
    public static void WriteMessage(Utf8JsonWriter w, string room, IWireMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        WriteMessage(w, room, message.Seq, message.Id, message.User, message.Text, message.Timestamp);
    }

    private static void WriteMessage(Utf8JsonWriter w, string room, long seq, string id, string user, string text, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteString("type", "message");
        w.WriteString("room", room);
        w.WriteNumber("seq", seq);
        w.WriteString("id", id);
        w.WriteString("user", user);
        w.WriteString("text", text);
        // The wire form of a timestamp: UTC, milliseconds, ISO 8601; formatted on the stack, not into a string.
        Span<char> ts = stackalloc char[24];
        timestamp.UtcDateTime.TryFormat(ts, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        w.WriteString("ts", ts[..written]);
    }

    private static void WriteJoinedHead(Utf8JsonWriter w, string room, string epoch, long seq)
    {
        w.WriteString("type", "joined");
        w.WriteString("room", room);
        w.WriteString("epoch", epoch);
        w.WriteNumber("seq", seq);
    }

    private static void WriteJoinedTail(Utf8JsonWriter w, bool recovered, IEnumerable<string> members)
    {
        w.WriteBoolean("recovered", recovered);
        w.WriteStartArray("members");
        foreach (var member in members)
        {
            w.WriteStringValue(member);
        }

        w.WriteEndArray();
    }
}
