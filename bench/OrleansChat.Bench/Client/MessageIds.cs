using System.Buffers.Text;

namespace OrleansChat.Bench.Client;

/// <summary>
/// The bench's message ids: <c>m</c> followed by the message number, so a message or ack read back
/// names the send it answers without a lookup.
/// </summary>
internal static class MessageIds
{
    /// <summary>"m" and the 20 characters of the longest long.</summary>
    public const int MaxLength = 21;

    /// <summary>Writes the id of message <paramref name="index"/> into <paramref name="destination"/>; returns its length.</summary>
    public static int Format(long index, Span<char> destination)
    {
        destination[0] = 'm';
        index.TryFormat(destination[1..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        return written + 1;
    }

    /// <summary>The message number in a bench id, or -1 for any other id.</summary>
    public static long Parse(ReadOnlySpan<byte> id)
    {
        if (id.Length < 2 || id[0] != (byte)'m')
        {
            return -1;
        }

        return Utf8Parser.TryParse(id[1..], out long value, out var consumed) && consumed == id.Length - 1 ? value : -1;
    }
}
