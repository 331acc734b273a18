using System.Buffers.Text;
using System.Text.Json;

namespace OrleansChat.Bench.Client;

/// <summary>
/// Reads a server frame without allocating (except for an error's code): the receive loops of
/// a thousand sockets share two cores with the server under test, so the client must stay cheap.
/// </summary>
internal static class ServerFrameParser
{
    // What a frame that is not a JSON object, or breaks off, reads as: nothing the bench counts.
    private static readonly ServerFrame Unreadable = new(ServerFrameType.Other, -1, -1, null);

    // "m" and the 19 digits of the largest long, each written as a six-byte \uXXXX escape.
    private const int MaxEscapedIdBytes = 20 * 6;

    public static ServerFrame Parse(ReadOnlySpan<byte> json)
    {
        var type = ServerFrameType.Other;
        long index = -1;
        long seq = -1;
        string? code = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Unreadable;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = ParseType(ref reader);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    index = ParseId(ref reader);
                }
                else if (reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out seq))
                    {
                        seq = -1;
                    }
                }
                else if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    code = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return Unreadable;
        }

        return new ServerFrame(type, index, seq, code);
    }

    /// <summary>Decodes a bench message id, <c>m</c> followed by the message number.</summary>
    public static long ParseId(ReadOnlySpan<byte> id)
    {
        if (id.Length < 2 || id[0] != (byte)'m')
        {
            return -1;
        }

        return Utf8Parser.TryParse(id[1..], out long value, out var consumed) && consumed == id.Length - 1 ? value : -1;
    }

    private static long ParseId(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return -1;
        }

        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return ParseId(reader.ValueSpan);
        }

        // JSON lets a server escape any character ("m\u0031" is "m1"), so an escaped id is unescaped
        // before it is read. Escaped, a bench id is at most 6 bytes for each of its 20 characters.
        var escapedLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (escapedLength > MaxEscapedIdBytes)
        {
            return -1;
        }

        Span<byte> id = stackalloc byte[MaxEscapedIdBytes];
        return ParseId(id[..reader.CopyString(id)]);
    }

    private static ServerFrameType ParseType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return ServerFrameType.Other;
        }

        if (reader.ValueTextEquals("message"u8))
        {
            return ServerFrameType.Message;
        }

        if (reader.ValueTextEquals("ack"u8))
        {
            return ServerFrameType.Ack;
        }

        if (reader.ValueTextEquals("joined"u8))
        {
            return ServerFrameType.Joined;
        }

        if (reader.ValueTextEquals("welcome"u8))
        {
            return ServerFrameType.Welcome;
        }

        if (reader.ValueTextEquals("error"u8))
        {
            return ServerFrameType.Error;
        }

        return reader.ValueTextEquals("pong"u8) ? ServerFrameType.Pong : ServerFrameType.Other;
    }
}
