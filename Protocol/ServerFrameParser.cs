using System.Text.Json;

namespace OrleansChat.Protocol;

/// <summary>
/// Reads a server frame without allocating (except for an error's code, and a room or id the server
/// escaped): the bench's receive loops of a thousand sockets share two cores with the server under test,
/// so a client must stay cheap. Fields it does not know are skipped.
/// </summary>
public static class ServerFrameParser
{
    // The most frequent first: a bench run reads mostly messages and acks.
    private static readonly (byte[] Name, ServerFrameType Type)[] Types =
    [
        ("message"u8.ToArray(), ServerFrameType.Message),
        ("ack"u8.ToArray(), ServerFrameType.Ack),
        ("joined"u8.ToArray(), ServerFrameType.Joined),
        ("presence"u8.ToArray(), ServerFrameType.Presence),
        ("typing"u8.ToArray(), ServerFrameType.Typing),
        ("welcome"u8.ToArray(), ServerFrameType.Welcome),
        ("left"u8.ToArray(), ServerFrameType.Left),
        ("error"u8.ToArray(), ServerFrameType.Error),
        ("pong"u8.ToArray(), ServerFrameType.Pong),
    ];

    /// <summary>Reads <paramref name="json"/>; a frame that is not a JSON object, or breaks off, reads as <see cref="ServerFrameType.Other"/>.</summary>
    public static ServerFrame Parse(ReadOnlySpan<byte> json)
    {
        var type = ServerFrameType.Other;
        ReadOnlySpan<byte> room = default;
        ReadOnlySpan<byte> id = default;
        long seq = -1;
        string? code = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new ServerFrame();
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = ParseType(ref reader);
                }
                else if (reader.ValueTextEquals("room"u8))
                {
                    reader.Read();
                    room = StringValue(ref reader, json);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = StringValue(ref reader, json);
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
            return new ServerFrame();
        }

        return new ServerFrame { Type = type, Room = room, Id = id, Seq = seq, Code = code };
    }

    private static ReadOnlySpan<byte> StringValue(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return default;
        }

        if (!reader.ValueIsEscaped)
        {
            // The value without its quotes, sliced from the input so that it outlives the reader.
            return json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }

        // JSON lets a server escape any character ("m\u0031" is "m1"); unescaped it is never longer.
        var unescaped = new byte[reader.ValueSpan.Length];
        return unescaped.AsSpan(0, reader.CopyString(unescaped));
    }

    private static ServerFrameType ParseType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return ServerFrameType.Other;
        }

        foreach (var (name, type) in Types)
        {
            if (reader.ValueTextEquals(name))
            {
                return type;
            }
        }

        return ServerFrameType.Other;
    }
}
