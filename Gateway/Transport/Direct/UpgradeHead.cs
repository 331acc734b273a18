using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// The head of a WebSocket upgrade request to <c>/ws</c> (RFC 6455 section 4.2.1), read off the
/// first bytes of a connection for <see cref="DirectUpgrade"/>. Parsing is strict on purpose: any
/// request it does not fully understand (another method, path or HTTP version, a header folded
/// over lines, a body, a repeated or missing handshake header, a byte outside printable ASCII, a
/// head not complete in the bytes given) is not read as one, and the connection goes to Kestrel's
/// HTTP/1.1 layer, which answers it as it answers any request. So is a head that is not well within
/// every limit Kestrel applies to a head (<see cref="KestrelServerLimits"/>: the request line, the
/// header count, the head's bytes), so that Kestrel gives whatever answer its limits give (414, 431).
/// </summary>
/// <param name="Query">The request target's query, without the <c>?</c> (may be empty).</param>
/// <param name="Host">The <c>Host</c> header.</param>
/// <param name="Origin">The <c>Origin</c> header, when sent.</param>
/// <param name="Key">The <c>Sec-WebSocket-Key</c> header.</param>
/// <param name="ForwardedFor">The <c>X-Forwarded-For</c> header, when sent (believed only from a trusted proxy).</param>
/// <param name="ForwardedProto">The <c>X-Forwarded-Proto</c> header, when sent.</param>
/// <param name="ForwardedHost">The <c>X-Forwarded-Host</c> header, when sent.</param>
public sealed record UpgradeHead(string Query, string Host, string? Origin, string Key, string? ForwardedFor = null, string? ForwardedProto = null, string? ForwardedHost = null)
{
    /// <summary>The longest head read; a longer one (many cookies, say) takes the HTTP pipeline.</summary>
    public const int MaxLength = 16 * 1024;

    private static readonly KestrelServerLimits DefaultLimits = new();

    // RFC 9110 section 5.6.2: the characters of a token (a header's name).
    private static readonly SearchValues<char> TokenChars = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // RFC 3986 section 3.4: unreserved, percent-encoded, sub-delims, ':', '@', '/', '?'.
    private static readonly SearchValues<char> QueryChars = SearchValues.Create("-._~!$&'()*+,;=:@/?%0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> LabelChars = SearchValues.Create("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> Ipv6Chars = SearchValues.Create(":.0123456789ABCDEFabcdef");

    // RFC 6455 section 1.3: the accept value is SHA-1 over the key and this GUID, base64.
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>
    /// Reads an upgrade request head from the start of <paramref name="buffer"/>; null when the
    /// buffer does not start with a complete one. <paramref name="length"/> is the head's length,
    /// its blank line included.
    /// </summary>
    public static UpgradeHead? TryParse(ReadOnlySequence<byte> buffer, out long length) => TryParse(buffer, DefaultLimits, out length);

    /// <summary>
    /// Reads an upgrade request head that is well within Kestrel's <paramref name="limits"/> from the
    /// start of <paramref name="buffer"/>; null when the buffer does not start with one.
    /// </summary>
    public static UpgradeHead? TryParse(ReadOnlySequence<byte> buffer, KestrelServerLimits limits, out long length)
    {
        length = 0;
        var reader = new SequenceReader<byte>(buffer.Length > MaxLength + 4 ? buffer.Slice(0, MaxLength + 4) : buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, "\r\n\r\n"u8))
        {
            return null;
        }

        // Strictly below each limit, counting more than Kestrel counts (the request line and the blank line
        // too), so a head taken here is one Kestrel would take: Kestrel's HttpParser fails a request line
        // that does not end within MaxRequestLineSize bytes (414), more than MaxRequestHeaderCount header
        // lines or more than MaxRequestHeadersTotalSize bytes of them (431).
        if (reader.Consumed >= limits.MaxRequestHeadersTotalSize)
        {
            return null;
        }

        var head = TryParse(Encoding.Latin1.GetString(bytes), limits);
        length = head is null ? 0 : reader.Consumed;
        return head;
    }


    /// <summary>The <c>101 Switching Protocols</c> answer that accepts this request.</summary>
    public byte[] SwitchingProtocols() => Encoding.ASCII.GetBytes(
        $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {Accept(Key)}\r\n\r\n");

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for a key.</summary>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 6455 fixes SHA-1 for the handshake; it proves the server read the key, it protects nothing.")]
    public static string Accept(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    private static UpgradeHead? TryParse(string head, KestrelServerLimits limits)
    {
        if (head.Any(c => c is (< ' ' and not '\r' and not '\n' and not '\t') or > '~'))
        {
            return null;
        }

        var lines = head.Split("\r\n");
        if (lines[0].Length + 2 >= limits.MaxRequestLineSize || lines.Length - 1 >= limits.MaxRequestHeaderCount)
        {
            return null;
        }

        var requestLine = lines[0].Split(' ');
        if (requestLine is not ["GET", var target, "HTTP/1.1"] || !TryQuery(target, out var query))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            // No colon, a name that is not an RFC 9110 token (white space in it, a line folded onto the one
            // before), a bare CR or LF.
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAnyExcept(TokenChars) || line.Contains('\r', StringComparison.Ordinal) || line.Contains('\n', StringComparison.Ordinal)
                || !headers.TryAdd(line[..colon], line[(colon + 1)..].Trim(' ', '\t')))
            {
                return null;
            }
        }

        if (headers.ContainsKey("Content-Length") || headers.ContainsKey("Transfer-Encoding")
            || !headers.TryGetValue("Host", out var host) || !IsHost(host)
            || !headers.TryGetValue("Upgrade", out var upgrade) || !HasToken(upgrade, "websocket")
            || !headers.TryGetValue("Connection", out var connection) || !HasToken(connection, "Upgrade")
            || !headers.TryGetValue("Sec-WebSocket-Version", out var version) || version != "13"
            || !headers.TryGetValue("Sec-WebSocket-Key", out var key) || !IsKey(key))
        {
            return null;
        }

        return new UpgradeHead(query, host, headers.GetValueOrDefault("Origin"), key,
            headers.GetValueOrDefault("X-Forwarded-For"), headers.GetValueOrDefault("X-Forwarded-Proto"), headers.GetValueOrDefault("X-Forwarded-Host"));
    }

    private static bool TryQuery(string target, out string query)
    {
        query = "";
        if (target == "/ws")
        {
            return true;
        }

        // RFC 3986 query characters only; anything else (a fragment, say) is Kestrel's to judge.
        if (!target.StartsWith("/ws?", StringComparison.Ordinal) || target.AsSpan(4).ContainsAnyExcept(QueryChars))
        {
            return false;
        }

        query = target[4..];
        return true;
    }

    // host[:port]: a name of dot-separated labels (an IPv4 address is one) or a bracketed IPv6 address, and a port
    // of at most 65535. Anything else goes to Kestrel, which checks a Host header fully (400 when it is not valid).
    private static bool IsHost(string host)
    {
        var colon = host.StartsWith('[') ? host.IndexOf("]:", StringComparison.Ordinal) + 1 : host.IndexOf(':', StringComparison.Ordinal);
        var name = colon > 0 ? host[..colon] : host;
        if (colon > 0 && !(host.Length - colon - 1 is >= 1 and <= 5 && host.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0 && int.Parse(host.AsSpan(colon + 1), CultureInfo.InvariantCulture) <= 65535))
        {
            return false;
        }

        if (name.StartsWith('['))
        {
            return name.Length > 2 && name.EndsWith(']') && !name.AsSpan(1, name.Length - 2).ContainsAnyExcept(Ipv6Chars);
        }

        return name.Split('.').All(label => label.Length is > 0 and <= 63 && !label.AsSpan().ContainsAnyExcept(LabelChars));
    }

    private static bool HasToken(string value, string token) =>
        value.Split(',', StringSplitOptions.TrimEntries).Contains(token, StringComparer.OrdinalIgnoreCase);

    // RFC 6455 section 4.2.1: the base64 of 16 bytes.
    private static bool IsKey(string key)
    {
        Span<byte> bytes = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, bytes, out var written) && written == 16;
    }
}
