using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Api;

/// <summary>The body of <c>GET /api/rooms/{room}/messages</c>, with messages in the same shape as on the socket.</summary>
internal static class HistoryJson
{
    public static string Write(string room, HistoryPage page)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("room", room);
            w.WriteString("epoch", page.Epoch);
            w.WriteNumber("seq", page.LatestSeq);
            w.WriteNumber("oldest", page.OldestKept);
            ServerFrames.WriteMessages(w, "messages", room, page.Messages);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
