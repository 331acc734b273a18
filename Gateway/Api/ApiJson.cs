using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Api;

/// <summary>
/// The bodies of the HTTP API's answers. Messages have the same shape as on the socket, and text
/// is written as on the socket too: without HTML escaping.
/// </summary>
internal static class ApiJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>GET /api/rooms/{room}/messages</c>.</summary>
    public static string History(string room, HistoryPage page) => Write(w =>
    {
        w.WriteString("room", room);
        w.WriteString("epoch", page.Epoch);
        w.WriteNumber("seq", page.LatestSeq);
        w.WriteStartArray("messages");
        foreach (var message in page.Messages)
        {
            w.WriteStartObject();
            ServerFrames.WriteMessage(w, room, message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary><c>GET /api/rooms/{room}/members</c>.</summary>
    public static string Members(string room, IEnumerable<string> members) => Write(w =>
    {
        w.WriteString("room", room);
        w.WriteStartArray("members");
        foreach (var member in members)
        {
            w.WriteStringValue(member);
        }

        w.WriteEndArray();
    });

    /// <summary><c>POST /api/rooms/{room}/messages</c>: where the message was stored.</summary>
    public static string Posted(string room, long seq, string id) => Write(w =>
    {
        w.WriteString("room", room);
        w.WriteNumber("seq", seq);
        w.WriteString("id", id);
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
