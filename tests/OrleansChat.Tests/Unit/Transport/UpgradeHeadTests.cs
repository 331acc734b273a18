using System.Buffers;
using System.Text;
using OrleansChat.Gateway.Transport;
using OrleansChat.Gateway.Transport.Direct;

namespace OrleansChat.Tests.Unit.Transport;

/// <summary>
/// The direct upgrade reads only a head it fully understands; everything else must come back null
/// so that Kestrel's HTTP layer answers it.
/// </summary>
public sealed class UpgradeHeadTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static string Browser(string target = "/ws?name=alice%20b", string extra = "") =>
        $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n" +
        $"Origin: http://127.0.0.1:8080\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Key}\r\n" +
        $"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n{extra}\r\n";

    private static UpgradeHead? Parse(string text, out long length) =>
        UpgradeHead.TryParse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), out length);

    [Fact]
    public void ABrowsersUpgradeIsReadWithItsQueryHostOriginAndKey()
    {
        var text = Browser();
        var head = Parse(text + "\x81\x85first frame bytes", out var length);

        Assert.Equal(new UpgradeHead("name=alice%20b", "127.0.0.1:8080", "http://127.0.0.1:8080", Key), head);
        Assert.Equal(text.Length, length);
    }

    [Fact]
    public void AProxysForwardedHeadersAreReadForTheGatewayToBelieveOrNot()
    {
        var head = Parse(Browser(extra: "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: chat.example.test\r\n"), out _);

        Assert.Equal(new UpgradeHead("name=alice%20b", "127.0.0.1:8080", "http://127.0.0.1:8080", Key, "203.0.113.7", "https", "chat.example.test"), head);
    }

    [Fact]
    public void AHeadSplitOverSegmentsIsReadWhole()
    {
        var bytes = Encoding.Latin1.GetBytes(Browser());
        var first = new Segment(bytes.AsMemory(0, 30));
        var last = first.Append(bytes.AsMemory(30, 40)).Append(bytes.AsMemory(70));

        var head = UpgradeHead.TryParse(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), out var length);

        Assert.Equal("name=alice%20b", head?.Query);
        Assert.Equal(bytes.Length, length);
    }

    [Fact]
    public void TheAcceptValueIsRfc6455s()
    {
        // RFC 6455 section 1.3's own example.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", UpgradeHead.Accept(Key));
        Assert.Equal(
            $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
            Encoding.ASCII.GetString(new UpgradeHead("", "h", null, Key).SwitchingProtocols()));
    }

    [Fact]
    public void APathWithoutAQueryAndAHeadWithoutOriginAreRead()
    {
        var head = Parse(Browser("/ws").Replace("Origin: http://127.0.0.1:8080\r\n", "", StringComparison.Ordinal), out _);

        Assert.Equal(new UpgradeHead("", "127.0.0.1:8080", null, Key), head);
    }

    public static TheoryData<string, string> NotOurs => new()
    {
        { "incomplete head", Browser()[..^2] },
        { "another method", Browser().Replace("GET ", "POST ", StringComparison.Ordinal) },
        { "HTTP/1.0", Browser().Replace("HTTP/1.1\r\n", "HTTP/1.0\r\n", StringComparison.Ordinal) },
        { "another path", Browser("/wsx?name=alice") },
        { "a path below /ws", Browser("/ws/x?name=alice") },
        { "an absolute target", Browser("http://127.0.0.1:8080/ws?name=alice") },
        { "a fragment", Browser("/ws?name=alice#x") },
        { "a space in the target", Browser("/ws?name=a b") },
        { "no key", Browser().Replace($"Sec-WebSocket-Key: {Key}\r\n", "", StringComparison.Ordinal) },
        { "a key of 15 bytes", Browser().Replace(Key, "dGhlIHNhbXBsZSBub25jZQ", StringComparison.Ordinal) },
        { "a key that is not base64", Browser().Replace(Key, "dGhlIHNhbXBsZSBub25jZ!==", StringComparison.Ordinal) },
        { "version 8", Browser().Replace("Version: 13", "Version: 8", StringComparison.Ordinal) },
        { "no Upgrade: websocket", Browser().Replace("Upgrade: websocket\r\n", "Upgrade: h2c\r\n", StringComparison.Ordinal) },
        { "no Connection: Upgrade", Browser().Replace("keep-alive, Upgrade", "keep-alive", StringComparison.Ordinal) },
        { "no Host", Browser().Replace("Host: 127.0.0.1:8080\r\n", "", StringComparison.Ordinal) },
        { "a Host with a path in it", Browser().Replace("Host: 127.0.0.1:8080", "Host: evil/x", StringComparison.Ordinal) },
        { "two Hosts", Browser(extra: "Host: other\r\n") },
        { "two Origins", Browser(extra: "origin: http://evil\r\n") },
        { "a body", Browser(extra: "Content-Length: 5\r\n") },
        { "a chunked body", Browser(extra: "Transfer-Encoding: chunked\r\n") },
        { "a folded header", Browser(extra: "X-Long: a\r\n b\r\n") },
        { "white space before the colon", Browser(extra: "X-Odd : a\r\n") },
        { "a line without a colon", Browser(extra: "X-Odd\r\n") },
        { "a bare LF", Browser(extra: "X-A: a\nX-B: b\r\n") },
        { "a byte past ASCII", Browser(extra: "X-Name: \u00e9\r\n") },
        { "a control byte", Browser(extra: "X-Name: a\u0001b\r\n") },
        { "a head past the limit", Browser(extra: $"Cookie: {new string('c', UpgradeHead.MaxLength)}\r\n") },
        { "HTTP/2's preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" },
        { "a TLS client hello", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(NotOurs))]
    public void ARequestItDoesNotFullyUnderstandIsLeftToHttp(string why, string text)
    {
        Assert.True(Parse(text, out var length) is null, why);
        Assert.Equal(0, length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
