using System.Text.Json;

namespace OrleansChat.Protocol;

/// <summary>
/// Turns one client text frame into a <see cref="ClientFrame"/> or the contract's error for it.
/// It checks shape only (types, presence, room pattern); limits that depend on configuration
/// are the session's.
/// </summary>
public static class ClientFrameParser
{
    /// <summary>Parses a UTF-8 JSON frame; exactly one of the results is non-null.</summary>
    public static (ClientFrame? Frame, ProtocolError? Error) Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            return (null, new ProtocolError(ErrorCodes.BadRequest, "frame is not valid JSON"));
        }

        using (document)
        {
            try
            {
                return ParseObject(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // JsonElement.GetString throws on a string it cannot turn into UTF-16: an escaped lone surrogate
                // such as "\ud800", or bytes that are not UTF-8. The frame is refused like any other malformed one.
                return (null, new ProtocolError(ErrorCodes.BadRequest, "frame has a string that is not valid Unicode"));
            }
        }
    }

    private static (ClientFrame?, ProtocolError?) ParseObject(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, new ProtocolError(ErrorCodes.BadRequest, "frame is not a JSON object"));
        }

        var id = OptionalString(root, "id");
        var room = OptionalString(root, "room");
        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return (null, new ProtocolError(ErrorCodes.BadRequest, "frame has no string field 'type'", id, room));
        }

        return typeElement.GetString() switch
        {
            "ping" => (new ClientFrame(ClientFrameType.Ping), null),
            "join" => ParseJoin(root, room),
            "leave" => WithRoom(root, ClientFrameType.Leave, id, room),
            "typing" => WithRoom(root, ClientFrameType.Typing, id, room),
            "send" => ParseSend(root, id, room),
            "refresh" => ParseRefresh(root),
            var other => (null, new ProtocolError(ErrorCodes.BadRequest, $"unknown frame type '{Truncate(other)}'", id, room)),
        };
    }

    private static (ClientFrame?, ProtocolError?) ParseJoin(JsonElement root, string? room)
    {
        var (frame, error) = WithRoom(root, ClientFrameType.Join, null, room);
        if (frame is null)
        {
            return (null, error);
        }

        long? since = null;
        if (root.TryGetProperty("since", out var sinceElement) && sinceElement.ValueKind != JsonValueKind.Null)
        {
            if (sinceElement.ValueKind != JsonValueKind.Number || !sinceElement.TryGetInt64(out var value) || value < 0)
            {
                return (null, new ProtocolError(ErrorCodes.BadRequest, "'since' must be a whole number of 0 or more", Room: room));
            }

            since = value;
        }

        string? epoch = null;
        if (root.TryGetProperty("epoch", out var epochElement) && epochElement.ValueKind != JsonValueKind.Null)
        {
            if (epochElement.ValueKind != JsonValueKind.String)
            {
                return (null, new ProtocolError(ErrorCodes.BadRequest, "'epoch' must be a string", Room: room));
            }

            epoch = epochElement.GetString();
        }

        return (frame with { Since = since, Epoch = epoch }, null);
    }

    private static (ClientFrame?, ProtocolError?) ParseSend(JsonElement root, string? id, string? room)
    {
        var (frame, error) = WithRoom(root, ClientFrameType.Send, id, room);
        if (frame is null)
        {
            return (null, error);
        }

        if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String || !MessageRules.IsValidId(id))
        {
            return (null, new ProtocolError(ErrorCodes.BadRequest, "'id' must be a string of 1 to 64 characters", id, room));
        }

        if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
        {
            return (null, new ProtocolError(ErrorCodes.BadRequest, "'text' must be a string", id, room));
        }

        return (frame with { Id = id, Text = textElement.GetString() }, null);
    }

    private static (ClientFrame?, ProtocolError?) ParseRefresh(JsonElement root) =>
        root.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String
            ? (new ClientFrame(ClientFrameType.Refresh, Token: token.GetString()), null)
            : (null, new ProtocolError(ErrorCodes.BadRequest, "frame has no string field 'token'"));

    private static (ClientFrame?, ProtocolError?) WithRoom(JsonElement root, ClientFrameType type, string? id, string? room)
    {
        if (!root.TryGetProperty("room", out var roomElement) || roomElement.ValueKind != JsonValueKind.String)
        {
            return (null, new ProtocolError(ErrorCodes.BadRequest, "frame has no string field 'room'", id));
        }

        if (!MessageRules.IsValidRoom(room))
        {
            return (null, new ProtocolError(ErrorCodes.BadRoom, "room names are 1 to 64 of A-Z a-z 0-9 _ . - and start with a letter or digit", id, room));
        }

        return (new ClientFrame(type, Room: room), null);
    }

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static string Truncate(string? value) => value is { Length: > 32 } ? value[..32] + "…" : value ?? "";
}
