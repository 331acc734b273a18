using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// The direct upgrade answers exactly as Kestrel would: a fixed corpus of upgrade requests, well-formed
/// and broken, each named for what it breaks, goes raw over TCP to a gateway that takes sockets before
/// Kestrel and to one that leaves them to Kestrel; both give the same status line, and where both say
/// 101 both sockets work (their welcome frame comes).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UpgradeCorpusTests(ClusterFixture cluster)
{
    [Fact]
    public async Task EveryRequestOfTheCorpusGetsTheSameAnswerOnBothPaths()
    {
        // A head cut short gets Kestrel's 408 after RequestHeadersTimeout: two seconds here.
        static void Timeouts(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
            Microsoft.AspNetCore.Hosting.WebHostBuilderKestrelExtensions.ConfigureKestrel(builder.WebHost, kestrel => kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2));
        await using var direct = await GatewayHost.StartAsync(cluster.Cluster, configure: Timeouts, path: SocketPath.Direct);
        await using var kestrel = await GatewayHost.StartAsync(cluster.Cluster, configure: Timeouts, path: SocketPath.Kestrel);
        var corpus = Corpus().ToList();
        Assert.True(corpus.Count >= 200, $"{corpus.Count} cases");
        Assert.Equal(corpus.Count, corpus.Select(c => c.Name).Distinct().Count());
        var clock = Stopwatch.StartNew();

        var differences = new List<string>();
        var upgrades = 0;
        foreach (var batch in corpus.Chunk(16))
        {
            var answers = await Task.WhenAll(batch.Select(async c =>
            {
                var (onDirect, onKestrel) = (SendAsync(direct, c), SendAsync(kestrel, c));
                return (Case: c, Direct: await onDirect, Kestrel: await onKestrel);
            }));
            foreach (var (c, onDirect, onKestrel) in answers)
            {
                if (onDirect != onKestrel)
                {
                    differences.Add($"{c.Name}: direct '{onDirect}', Kestrel '{onKestrel}'");
                }
                else if (c.BadFrameAfter && !onDirect.EndsWith(" then close 1002 and a FIN", StringComparison.Ordinal))
                {
                    differences.Add($"{c.Name}: '{onDirect}' on both, not the 1002 and a FIN after the welcome");
                }
                else if (onDirect.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal))
                {
                    upgrades++;
                }
            }
        }

        Assert.True(differences.Count == 0, $"{differences.Count} of {corpus.Count} differ:\n" + string.Join("\n", differences));
        Assert.InRange(upgrades, 10, corpus.Count - 100);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the corpus took {clock.Elapsed}");
    }

    /// <summary>
    /// Sends a case's bytes and returns the answer's status line ("closed" when the gateway ended the
    /// connection without one); for a 101, also reads the welcome frame, or says why it did not come.
    /// </summary>
    private static async Task<string> SendAsync(GatewayHost gateway, Case request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateway.Address.Port), limit.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var bytes = request.Bytes(gateway.Address.Authority);
        if (request.ThenClose)
        {
            // TCP_CORK (Linux): the request and the FIN go in one segment, so the gateway reads them together
            // whichever path takes the connection, rather than in a race with how soon the FIN follows.
            socket.SetRawSocketOption(6, 3, BitConverter.GetBytes(1));
        }

        try
        {
            await stream.WriteAsync(bytes, limit.Token);
            if (request.ThenClose)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // Refused while it was still being sent: the answer, if any, is read below.
        }

        var head = new List<byte>();
        var one = new byte[1];
        try
        {
            while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await stream.ReadAsync(one, limit.Token) == 0)
                {
                    break;
                }

                head.Add(one[0]);
            }
        }
        catch (IOException)
        {
            // Reset: as closed, unless a status line came first.
        }
        catch (OperationCanceledException)
        {
            return "no answer in 20 s";
        }

        var text = Encoding.Latin1.GetString([.. head]);
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return text.Length == 0 ? "closed" : "partial: " + text;
        }

        var status = text[..end];
        if (!status.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal))
        {
            return status;
        }

        try
        {
            var (_, payload) = await RawUpgrade.ReadFrameAsync(stream, limit.Token);
            if (!Encoding.UTF8.GetString(payload).Contains("\"type\":\"welcome\"", StringComparison.Ordinal))
            {
                return status + " without a welcome";
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            return status + " and then " + exception.GetType().Name;
        }

        return request.BadFrameAfter ? status + " then " + await EndAsync(stream, limit.Token) : status;
    }

    /// <summary>How a socket that was sent a bad frame ends: its close frame's code, then a FIN or a reset.</summary>
    private static async Task<string> EndAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        try
        {
            var (header, payload) = await RawUpgrade.ReadFrameAsync(stream, cancellationToken);
            if (header != 0x88 || payload.Length < 2)
            {
                return $"a frame 0x{header:x2} of {payload.Length} bytes";
            }

            var code = (payload[0] << 8) | payload[1];
            return await stream.ReadAsync(new byte[1], cancellationToken) == 0 ? $"close {code} and a FIN" : $"close {code} and more";
        }
        catch (EndOfStreamException)
        {
            return "a FIN without a close";
        }
        catch (IOException exception)
        {
            return "a reset (" + exception.GetType().Name + ")";
        }
        catch (OperationCanceledException)
        {
            return "no end in 20 s";
        }
    }

    /// <summary>The corpus: deterministic, every case named for what it breaks.</summary>
    private static IEnumerable<Case> Corpus()
    {
        const string key = "dGhlIHNhbXBsZSBub25jZQ==";
        var valid = new (string Name, string Value)[]
        {
            ("Host", "{host}"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", key),
            ("Sec-WebSocket-Version", "13"),
        };

        Case Make(string name, string requestLine = "GET /ws?name=alice HTTP/1.1", IEnumerable<(string Name, string Value)>? headers = null, string extra = "", string end = "\r\n", bool thenClose = false) =>
            new(name, requestLine + end + string.Concat((headers ?? valid).Select(h => $"{h.Name}: {h.Value}{end}")) + extra + end, thenClose);

        IEnumerable<(string, string)> With(string header, string value) => valid.Select(h => h.Name == header ? (h.Name, value) : h);

        yield return Make("valid");
        yield return Make("valid, token empty beside the name", "GET /ws?name=alice&token= HTTP/1.1");
        yield return Make("valid, lower-case header names", headers: valid.Select(h => (h.Name.ToLowerInvariant(), h.Value)));
        yield return Make("valid, headers in reverse order", headers: valid.Reverse());
        yield return Make("valid, with own origin", headers: [.. valid, ("Origin", "http://{host}")]);
        yield return Make("valid, with cookie", headers: [.. valid, ("Cookie", "a=b; c=d")]);
        yield return Make("valid, with subprotocol", headers: [.. valid, ("Sec-WebSocket-Protocol", "chat")]);
        yield return Make("valid, with extensions", headers: [.. valid, ("Sec-WebSocket-Extensions", "permessage-deflate")]);
        yield return Make("valid, value with tabs around", headers: With("Upgrade", "\twebsocket\t"));
        yield return Make("valid, no space after the colons") with { Raw = "GET /ws?name=alice HTTP/1.1\r\n" + string.Concat(valid.Select(h => $"{h.Name}:{h.Value}\r\n")) + "\r\n" };

        foreach (var method in new[] { "get", "Get", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "GE", "GETT", "G T", "", "G\u0001T", "PRI" })
        {
            yield return Make($"method '{Escape(method)}'", $"{method} /ws?name=alice HTTP/1.1");
        }

        foreach (var version in new[] { "HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "http/1.1", "HTTP/1", "HTTP/1.1x", "HTTP/11", "HTTP/1.1 ", "", "HTTP/3" })
        {
            yield return Make($"version '{Escape(version)}'", $"GET /ws?name=alice {version}".TrimEnd(' ') + (version.EndsWith(' ') ? " " : ""));
        }

        foreach (var target in new[]
        {
            "/ws", "/ws?", "/ws?name=", "/ws?name=a%20b", "/ws?name=%3Cb%3E", "/ws?name=alice&name=bob", "/ws?name=alice#frag", "/ws/",
            "/WS?name=alice", "/w%73?name=alice", "//ws?name=alice", "/ws/../ws?name=alice", "/./ws?name=alice", "*", "http://{host}/ws?name=alice",
            "ws?name=alice", "/other", "/", "/ws?name=a%zz", "/ws?name=alice%", "/ws?name=al\"ice", "/ws?name=al{ice", "/ws?name=al|ice",
            "/ws?name=al^ice", "/ws?name=al`ice", "/ws?name=al\\ice", "/ws?name=ali[ce]", "/ws?name=" + new string('a', 40), "/ws?name=alice&x=" + Uri.EscapeDataString("é"),
            "/ws?name=al ice", "/ws?token=abc", "/ws?name=alice;x", "/ws?name=al%2Bice", "/ws?name=alice&&", "/ws??name=alice", "/ws?name=alice\u007f",
        })
        {
            yield return Make($"target '{Escape(target)}'", $"GET {target} HTTP/1.1");
        }

        var malformed = new Dictionary<string, string[]>
        {
            ["Host"] = ["", "127.0.0.1", "[::1]:80", "[::1]", "a..b", "host:99999", "host:65535", "host:", "ho st", "h_o", "xn--a.b:1", "host:80:80", "-host", "host.", "[::1", "::1", "h%41st", "host:0", "host:+80", "a.b.c.d.e"],
            ["Upgrade"] = ["", "WebSocket", "WEBSOCKET", "websocket, h2c", "h2c, websocket", "web socket", "websockets", "h2c", "websocket/13", ",websocket,"],
            ["Connection"] = ["", "upgrade", "keep-alive, Upgrade", "Upgrade, close", "close", "keep-alive", "Upgraded", "Upgrade,", "up grade"],
            ["Sec-WebSocket-Key"] = ["", "abc", key[..23], key + "A", "!!!!!!!!!!!!!!!!!!!!!!==", Convert.ToBase64String(new byte[15]), Convert.ToBase64String(new byte[17]), key.ToLowerInvariant(), " " + key, key.Replace("==", "", StringComparison.Ordinal)],
            ["Sec-WebSocket-Version"] = ["", "12", "8", "13, 8", "8, 13", "013", "13 ", "14", "thirteen"],
        };
        foreach (var (header, values) in malformed)
        {
            yield return Make($"{header} missing", headers: valid.Where(h => h.Name != header));
            yield return Make($"{header} twice, same value", headers: [.. valid, valid.First(h => h.Name == header)]);
            yield return Make($"{header} twice, another value", headers: [.. valid, (header, values[1])]);
            foreach (var value in values)
            {
                yield return Make($"{header} '{Escape(value)}'", headers: With(header, value));
            }
        }

        foreach (var origin in new[] { "http://evil.example", "null", "", "http://{host}/", "HTTP://{host}", "https://{host}" })
        {
            yield return Make($"origin '{origin}'", headers: [.. valid, ("Origin", origin)]);
        }

        yield return Make("origin twice", headers: [.. valid, ("Origin", "http://{host}"), ("Origin", "http://{host}")]);
        yield return Make("content-length 0", headers: [.. valid, ("Content-Length", "0")]);
        yield return Make("content-length 5 and a body", headers: [.. valid, ("Content-Length", "5")]) with { Raw = "GET /ws?name=alice HTTP/1.1\r\n" + string.Concat(valid.Select(h => $"{h.Name}: {h.Value}\r\n")) + "Content-Length: 5\r\n\r\nhello" };
        yield return Make("transfer-encoding chunked", headers: [.. valid, ("Transfer-Encoding", "chunked")]);
        yield return Make("expect 100-continue", headers: [.. valid, ("Expect", "100-continue")]);
        yield return Make("header name with a space", headers: [.. valid, ("Bad Name", "x")]);
        yield return Make("header name with a parenthesis", headers: [.. valid, ("Bad(Name)", "x")]);
        yield return Make("header name with a slash", headers: [.. valid, ("Bad/Name", "x")]);
        yield return Make("header name with a quote", headers: [.. valid, ("Bad\"Name", "x")]);
        yield return Make("header name with an at sign", headers: [.. valid, ("Bad@Name", "x")]);
        yield return Make("header name empty", headers: [.. valid, ("", "x")]);
        yield return Make("space before the colon", headers: [.. valid, ("X-A ", "x")]);
        yield return Make("header folded onto the line before", headers: [.. valid, ("X-A", "x\r\n folded")]);
        yield return Make("header line without a colon", extra: "NoColon\r\n");
        yield return Make("header value with a control byte", headers: [.. valid, ("X-A", "a\u0001b")]);
        yield return Make("header value with DEL", headers: [.. valid, ("X-A", "a\u007fb")]);
        yield return Make("header value with a Latin-1 byte", headers: [.. valid, ("X-A", "caf\u00e9")]);
        yield return Make("header value with a NUL", headers: [.. valid, ("X-A", "a\0b")]);
        yield return Make("empty header value", headers: [.. valid, ("X-A", "")]);

        foreach (var count in new[] { 90, 94, 95, 96, 99, 100, 101, 150 })
        {
            // The five handshake headers plus this many more.
            yield return Make($"{count + valid.Length} headers", headers: [.. valid, .. Enumerable.Range(0, count).Select(i => ($"X-H{i}", "v"))]);
        }

        foreach (var size in new[] { 8 * 1024, 15 * 1024, 16 * 1024, 20 * 1024, 31 * 1024, 32 * 1024 - 300, 32 * 1024, 33 * 1024, 40 * 1024 })
        {
            yield return Make($"a {size}-byte cookie", headers: [.. valid, ("Cookie", "c=" + new string('x', size))]);
        }

        foreach (var length in new[] { 4 * 1024, 8 * 1024 - 64, 8 * 1024 - 30, 8 * 1024 - 26, 8 * 1024 - 24, 8 * 1024, 9 * 1024 })
        {
            yield return Make($"request line of {length} bytes", "GET /ws?name=alice&pad=" + new string('p', length - "GET /ws?name=alice&pad= HTTP/1.1".Length) + " HTTP/1.1");
        }

        yield return Make("bare LF line ends", end: "\n");
        yield return Make("bare CR line ends", end: "\r");
        yield return Make("bare LF after the request line") with { Raw = "GET /ws?name=alice HTTP/1.1\n" + string.Concat(valid.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\r\n" };
        yield return Make("bare LF inside a header value", headers: [.. valid, ("X-A", "a\nb")]);
        yield return Make("bare CR inside a header value", headers: [.. valid, ("X-A", "a\rb")]);
        yield return Make("blank line ends with a bare LF") with { Raw = "GET /ws?name=alice HTTP/1.1\r\n" + string.Concat(valid.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\n" };
        yield return Make("leading blank line") with { Raw = "\r\nGET /ws?name=alice HTTP/1.1\r\n" + string.Concat(valid.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\r\n" };
        // The bytes after the head are not a client frame: the WebSocket fails them with close 1002 after the welcome.
        var head = "GET /ws?name=alice HTTP/1.1\r\n" + string.Concat(valid.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\r\n";
        yield return new Case("two upgrade requests pipelined", head + head) { BadFrameAfter = true };
        yield return new Case("valid, then bytes that are not a frame", head + "hello world\r\n\r\n") { BadFrameAfter = true };
        yield return Make("health request before an upgrade") with { Raw = "GET /health/live HTTP/1.1\r\nHost: {host}\r\n\r\nGET /ws?name=alice HTTP/1.1\r\n" + string.Concat(valid.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\r\n" };

        var random = new Random(23);
        for (var i = 0; i < 6; i++)
        {
            var noise = new byte[16 + (i * 40)];
            random.NextBytes(noise);
            yield return new Case($"{noise.Length} random bytes", "") { Binary = noise };
        }

        yield return new Case("a TLS client hello", "") { Binary = [0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03, .. new byte[32], 0x00, 0x00, 0x02, 0x00, 0x2f, 0x01, 0x00] };
        yield return new Case("the HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        yield return new Case("a JSON frame instead of a request", """{"type":"join","room":"lobby"}""" + "\r\n\r\n");
        yield return new Case("hello world", "hello world\r\n\r\n");
        yield return new Case("only a blank line", "\r\n\r\n");
        yield return new Case("nothing, then closed", "", ThenClose: true);
        // Kestrel takes a FIN as the end of the connection and does not answer an upgrade it came with.
        yield return Make("valid, then closed", thenClose: true);

        var whole = "GET /ws?name=alice HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        foreach (var cut in new[] { 1, 3, 4, 10, 16, 20, 27, 28, 29, 40, 60, 80, 100, 120, 140, 150, whole.Length - 3, whole.Length - 2, whole.Length - 1 })
        {
            yield return new Case($"head cut at byte {cut}", whole[..cut]);
        }
    }

    private static string Escape(string value) =>
        string.Concat(value.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>One request of the corpus: its text (<c>{host}</c> stands for the gateway's authority) or bytes.</summary>
    private sealed record Case(string Name, string Raw, bool ThenClose = false)
    {
        public byte[]? Binary { get; init; }

        /// <summary>Bytes that are not a client frame follow the head: a 101 is followed by close 1002 and a FIN.</summary>
        public bool BadFrameAfter { get; init; }

        public byte[] Bytes(string authority) => Binary ?? Encoding.Latin1.GetBytes(Raw.Replace("{host}", authority, StringComparison.Ordinal));

        public override string ToString() => Name;
    }
}
