using System.Text;
using System.Text.RegularExpressions;

namespace OrleansChat.Protocol;

/// <summary>
/// The wire contract's rules for names, rooms, message ids and text, shared by the gateway and the bench's
/// baseline (which answer with the contract's errors) and the room grain (which never trusts its caller).
/// </summary>
public static partial class MessageRules
{
    /// <summary>The longest client-chosen message id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The longest display name, after trimming.</summary>
    public const int MaxUserLength = 32;

    /// <summary>True for 1 to 64 characters, <c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$</c>.</summary>
    public static bool IsValidRoom(string? room) => room is not null && RoomPattern().IsMatch(room);

    /// <summary>True for an already trimmed name of 1 to 32 letters, digits, spaces, '_', '-' or '.'.</summary>
    public static bool IsValidUser(string? user) =>
        user is { Length: > 0 and <= MaxUserLength } && user.Trim().Length == user.Length && UserPattern().IsMatch(user);

    /// <summary>True for 1 to 64 characters, counted as Unicode scalar values like the text (see <see cref="IsTooLong"/>).</summary>
    public static bool IsValidId(string? id) => id is { Length: > 0 } && !IsTooLong(id, MaxIdLength);

    /// <summary>True when the text is missing, empty or only white space.</summary>
    public static bool IsBlank(string? text) => string.IsNullOrWhiteSpace(text);

    /// <summary>
    /// True when the text has more than <paramref name="maxCharacters"/> characters. The contract counts
    /// characters as Unicode scalar values, as JavaScript's <c>[...text].length</c> does: an emoji outside
    /// the Basic Multilingual Plane is one character although it takes two UTF-16 code units, and a lone
    /// surrogate counts as one.
    /// </summary>
    public static bool IsTooLong(string text, int maxCharacters)
    {
        // A scalar value takes one or two UTF-16 code units, so only a length between the limit and
        // twice the limit needs counting (and a huge text is never walked).
        if (text.Length <= maxCharacters)
        {
            return false;
        }

        if (text.Length > 2L * maxCharacters)
        {
            return true;
        }

        // UTF-32 spends exactly four bytes on every scalar value, and its default replacement fallback turns
        // a lone surrogate into U+FFFD (four bytes too): the BCL's own count, without allocating.
        return Encoding.UTF32.GetByteCount(text) / 4 > maxCharacters;
    }

    /// <summary>Trims a display name as given on connect; null when it is not valid after trimming.</summary>
    public static string? NormalizeUser(string? raw)
    {
        var trimmed = raw?.Trim();
        return IsValidUser(trimmed) ? trimmed : null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoomPattern();

    [GeneratedRegex(@"^[\p{L}\p{Nd} _.\-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserPattern();
}
