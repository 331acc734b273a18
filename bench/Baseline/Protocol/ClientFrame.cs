using System.Text.Json;

namespace OrleansChat.Baseline.Protocol;

/// <summary>
/// A parsed client frame. The string fields are unescaped UTF-8 that point into the receive
/// buffer whenever the JSON needed no unescaping (the usual case), so parsing allocates nothing.
/// A field that is absent or not a string is empty.
/// </summary>
internal ref struct ClientFrame
{
    public ClientFrameType Type;
    public ReadOnlySpan<byte> Room;
    public ReadOnlySpan<byte> Id;
    public ReadOnlySpan<byte> Text;
    public bool HasText;

    /// <summary>False when <paramref name="json"/> is not one JSON object with a string <c>type</c>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out ClientFrame frame)
    {
        frame = default;
        var hasType = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    hasType = reader.TokenType == JsonTokenType.String;
                    frame.Type = hasType ? ParseType(ref reader) : ClientFrameType.Unknown;
                }
                else if (reader.ValueTextEquals("room"u8))
                {
                    reader.Read();
                    frame.Room = StringValue(ref reader, json);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    frame.Id = StringValue(ref reader, json);
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    frame.HasText = reader.TokenType == JsonTokenType.String;
                    frame.Text = StringValue(ref reader, json);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return hasType && reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0;
        }
        catch (JsonException)
        {
            return false;
        }
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

        var unescaped = new byte[reader.ValueSpan.Length];
        return unescaped.AsSpan(0, reader.CopyString(unescaped));
    }

    private static ClientFrameType ParseType(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("send"u8))
        {
            return ClientFrameType.Send;
        }

        if (reader.ValueTextEquals("join"u8))
        {
            return ClientFrameType.Join;
        }

        if (reader.ValueTextEquals("ping"u8))
        {
            return ClientFrameType.Ping;
        }

        if (reader.ValueTextEquals("leave"u8))
        {
            return ClientFrameType.Leave;
        }

        return reader.ValueTextEquals("typing"u8) ? ClientFrameType.Typing : ClientFrameType.Unknown;
    }
}
