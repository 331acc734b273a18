using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansChat.Protocol;

/// <summary>
/// Writes one frame as an exactly sized UTF-8 JSON array, with a buffer and writer kept per thread.
/// Text is written without HTML escaping: the wire carries it as sent, and the page renders it as text.
/// </summary>
internal static class FrameWriter
{
    /// <summary>JSON escaping only where JSON requires it (no HTML escaping on the wire).</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Each thread keeps one buffer and one writer for the frames it writes. A fresh small
    // ArrayBufferWriter grew (allocate, copy) on almost every message frame, because
    // Utf8JsonWriter asks for room for the worst-case escaping of each value before writing it
    // (docs/decisions/0008-gateway-per-socket-path-cuts.md). A buffer that
    // grew past RetainedCapacity (a long history) is not kept.
    private const int InitialCapacity = 16 * 1024;
    private const int RetainedCapacity = 128 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes one JSON object whose properties <paramref name="body"/> writes.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(InitialCapacity);
        var writer = t_writer ?? new Utf8JsonWriter(buffer, Options);
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
