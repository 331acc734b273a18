namespace OrleansChat.Baseline.Protocol;

/// <summary>The protocol's rules for display names and room names.</summary>
internal static class Names
{
    /// <summary>1 to 32 characters after trimming, each a letter, digit, space, <c>_</c>, <c>-</c> or <c>.</c>.</summary>
    public static bool TryNormalizeUser(string? raw, out string user)
    {
        user = raw?.Trim() ?? string.Empty;
        if (user.Length is < 1 or > 32)
        {
            return false;
        }

        foreach (var c in user)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$</c>, checked on the UTF-8 bytes.</summary>
    public static bool IsValidRoom(ReadOnlySpan<byte> room)
    {
        if (room.Length is < 1 or > 64 || !char.IsAsciiLetterOrDigit((char)room[0]))
        {
            return false;
        }

        foreach (var b in room)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'.' or (byte)'-'))
            {
                return false;
            }
        }

        return true;
    }
}
