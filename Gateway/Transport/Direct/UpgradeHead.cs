using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// The head of a WebSocket upgrade request to <c>/ws</c> (RFC 6455 section 4.2.1), read off the
/// first bytes of a connection for <see cref="DirectUpgrade"/>. Parsing is strict on purpose: any
/// request it does not fully understand (another method, path or HTTP version, a header folded
/// over lines, a body, a repeated or missing handshake header, a byte outside printable ASCII, a
/// head not complete in the bytes given) is not read as one, and the connection goes to Kestrel's
/// HTTP/1.1 layer, which answers it as it answers any request.
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

    // RFC 6455 section 1.3: the accept value is SHA-1 over the key and this GUID, base64.
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>
    /// Reads an upgrade request head from the start of <paramref name="buffer"/>; null when the
    /// buffer does not start with a complete one. <paramref name="length"/> is the head's length,
    /// its blank line included.
    /// </summary>
    public static UpgradeHead? TryParse(ReadOnlySequence<byte> buffer, out long length)
    {
        length = 0;
        var reader = new SequenceReader<byte>(buffer.Length > MaxLength + 4 ? buffer.Slice(0, MaxLength + 4) : buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, "\r\n\r\n"u8))
        {
            return null;
        }

        var head = TryParse(Encoding.Latin1.GetString(bytes));
        length = head is null ? 0 : reader.Consumed;
        return head;
    }

    /// <summary>The <c>101 Switching Protocols</c> answer that accepts this request.</summary>
    public byte[] SwitchingProtocols() => Encoding.ASCII.GetBytes(
        $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {Accept(Key)}\r\n\r\n");

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for a key.</summary>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 6455 fixes SHA-1 for the handshake; it proves the server read the key, it protects nothing.")]
    public static string Accept(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    private static UpgradeHead? TryParse(string head)
    {
        if (head.Any(c => c is (< ' ' and not '\r' and not '\n' and not '\t') or > '~'))
        {
            return null;
        }

        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine is not ["GET", var target, "HTTP/1.1"] || !TryQuery(target, out var query))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            // No colon, a name with white space in it, a bare CR or LF, or a line folded onto the one before.
            if (colon <= 0 || line.AsSpan(0, colon).IndexOfAny(" \t\r\n") >= 0 || line.Contains('\r', StringComparison.Ordinal) || line.Contains('\n', StringComparison.Ordinal)
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

        if (!target.StartsWith("/ws?", StringComparison.Ordinal) || target.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        query = target[4..];
        return true;
    }

    // host[:port] as a name, an IPv4 address or a bracketed IPv6 address; anything else goes to Kestrel, which checks it fully.
    private static bool IsHost(string host) =>
        host.Length > 0 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']');

    private static bool HasToken(string value, string token) =>
        value.Split(',', StringSplitOptions.TrimEntries).Contains(token, StringComparer.OrdinalIgnoreCase);

    // RFC 6455 section 4.2.1: the base64 of 16 bytes.
    private static bool IsKey(string key)
    {
        Span<byte> bytes = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, bytes, out var written) && written == 16;
    }
}
