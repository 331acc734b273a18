using System.Text.Json;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Security;

/// <summary>
/// The rooms a token's <c>rooms</c> claim allows: each entry a room name, or a prefix ending in
/// <c>*</c> (<c>"team-*"</c>; <c>"*"</c> alone is every room). A token without the claim allows
/// every room; an empty array allows none.
/// </summary>
public sealed class RoomAccess
{
    private readonly HashSet<string>? _names;
    private readonly string[] _prefixes;

    private RoomAccess(HashSet<string>? names, string[] prefixes) => (_names, _prefixes) = (names, prefixes);

    /// <summary>Every room (no <c>rooms</c> claim, or no tokens at all).</summary>
    public static RoomAccess All { get; } = new(null, []);

    /// <summary>Whether the holder may join or read <paramref name="room"/>.</summary>
    public bool Allows(string room) =>
        _names is null
        || _names.Contains(room)
        || Array.Exists(_prefixes, prefix => room.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>
    /// Reads the claim from a token's JSON payload; null when the claim is there but is not an
    /// array of room names and prefixes, which refuses the token rather than guess what it meant.
    /// </summary>
    public static RoomAccess? FromPayload(JsonElement payload)
    {
        if (!payload.TryGetProperty("rooms", out var claim))
        {
            return All;
        }

        if (claim.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new List<string>();
        foreach (var entry in claim.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.String || entry.GetString() is not { } value)
            {
                return null;
            }

            if (value == "*")
            {
                return All;
            }

            // A prefix is the start of a valid name: "team-*" is checked as the name "team-".
            if (value.EndsWith('*') && MessageRules.IsValidRoom(value[..^1]))
            {
                prefixes.Add(value[..^1]);
            }
            else if (MessageRules.IsValidRoom(value))
            {
                names.Add(value);
            }
            else
            {
                return null;
            }
        }

        return new RoomAccess(names, [.. prefixes]);
    }
}
