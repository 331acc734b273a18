namespace OrleansChat.Gateway.Hosting;

/// <summary>The gateway's limits and defaults, bound from <c>Chat:Gateway</c>; each default is the wire contract's.</summary>
public sealed class ChatGatewayOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Gateway";

    /// <summary>Messages in a plain <c>join</c> reply. Default 50.</summary>
    public int HistoryOnJoin { get; set; } = 50;

    /// <summary>The most messages a <c>join</c> with <c>since</c> returns (the room's history window). Default 1,000.</summary>
    public int RecoveryLimit { get; set; } = 1000;

    /// <summary>The largest client frame in bytes; larger closes the socket with 1009. Default 16 KiB.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024;

    /// <summary>The longest message text in characters (<c>too_long</c> past it). Default 4,000.</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>Rooms one socket may be in at once (<c>too_many_rooms</c> past it). Default 100.</summary>
    public int MaxRoomsPerConnection { get; set; } = 100;

    /// <summary>Frames queued for one socket before it is closed with 1013; typing is dropped past half. Default 1,000.</summary>
    public int OutboundQueueLimit { get; set; } = 1000;

    /// <summary>Sends and typing hints per second per connection. Default 10.</summary>
    public int SendsPerSecond { get; set; } = 10;

    /// <summary>The burst of sends and typing hints a connection may make at once. Default 20.</summary>
    public int SendBurst { get; set; } = 20;

    /// <summary>How often the server pings an open socket. Default 15 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long after a ping without a pong the socket is aborted. Default 15 s.</summary>
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the gateway renews its presence leases in the rooms it holds: one grain call per
    /// room each period, so it must be well under the silo's <c>Chat:Rooms:PresenceLease</c> (the
    /// defaults leave four periods in a lease). Default 10 s.
    /// </summary>
    public TimeSpan PresenceRenewPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Kestrel's socket I/O queues (<c>SocketTransportOptions.IOQueueCount</c>): the queues that run
    /// the sends and receives of the connections Kestrel serves (HTTP requests, and sockets upgraded
    /// through the HTTP pipeline; the sockets taken directly have one <see cref="Transport.SendQueue"/>);
    /// 0 hands them to the thread pool directly. Kestrel's own
    /// default is one per processor. The default here is half the processors, at least one: on the
    /// 2-core machine of docs/performance.md one queue instead of two lowered the steady 1,000-socket
    /// fan-out's p99 over seven side-by-side runs of each (from 22.8–29.5 ms, median 26.7, to
    /// 19.1–23.7 ms, median 21.1), one room unchanged (docs/performance-notes.md, "Kestrel's I/O
    /// queues"). Larger machines were not measured.
    /// </summary>
    public int SocketIOQueues { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// Whether the gateway accepts its TCP connections itself and takes a WebSocket upgrade to
    /// <c>/ws</c> before Kestrel sees the connection (<see cref="Transport.DirectSocketTransport"/>,
    /// <see cref="Transport.DirectUpgrade"/>), so an idle socket holds neither Kestrel's connection
    /// nor HTTP request objects for its life. Default true; false leaves every connection to
    /// Kestrel's socket transport and serves every socket through the HTTP pipeline, as any request
    /// that this path does not accept is served anyway.
    /// </summary>
    public bool DirectUpgrade { get; set; } = true;

    /// <summary>How long a closing socket gets to take its close frame before it is aborted. Default 5 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Origins (scheme://host:port) allowed to open <c>/ws</c> besides the gateway's own; a request
    /// without an <c>Origin</c> header (not a browser) is always allowed. Default none.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// The HS256 key (its UTF-8 bytes, at least 32) that signs the JWTs <c>/ws</c> accepts in <c>token</c>.
    /// When set, a socket connects as the token's <c>name</c> (else <c>sub</c>) and <c>name</c> in the
    /// query is ignored; when unset (the default), <c>name</c> is taken as given.
    /// </summary>
    public string? JwtSigningKey { get; set; }

    /// <summary>
    /// With <see cref="JwtSigningKey"/>: how far past its <c>exp</c> (and before its <c>nbf</c>) a token
    /// still holds, for a socket's request, a <c>refresh</c>, an HTTP read and an open socket alike (closed
    /// with 1008 when <c>exp</c> plus this passes). Default 30 s (IdentityModel's own default is five minutes).
    /// </summary>
    public TimeSpan JwtClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>With <see cref="JwtSigningKey"/>: the <c>iss</c> a token must carry. Default none (not checked).</summary>
    public string? JwtIssuer { get; set; }

    /// <summary>With <see cref="JwtSigningKey"/>: the <c>aud</c> a token must carry. Default none (not checked).</summary>
    public string? JwtAudience { get; set; }

    /// <summary>
    /// The bearer key that <c>POST /api/rooms/{room}/messages</c> requires. Default none: the endpoint
    /// answers 403, so nobody can post over HTTP until a key is configured.
    /// </summary>
    public string? ApiKey { get; set; }
}
