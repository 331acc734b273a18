using System.Text.Json;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>Short reads of wire frames.</summary>
public static class Frames
{
    /// <summary>The frame's <c>type</c>.</summary>
    public static string? Type(this JsonElement frame) => frame.Str("type");

    /// <summary>A string field, or null.</summary>
    public static string? Str(this JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A number field.</summary>
    public static long Num(this JsonElement frame, string name) => frame.GetProperty(name).GetInt64();

    /// <summary>True for a message frame of the room.</summary>
    public static bool IsMessageIn(this JsonElement frame, string room) => frame.Type() == "message" && frame.Str("room") == room;
}
