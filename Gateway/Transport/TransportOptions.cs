using System.ComponentModel.DataAnnotations;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// The sockets' limits and keep-alive, and how connections are accepted; bound from
/// <c>Chat:Gateway</c> (the keys keep the names they have always had there).
/// </summary>
public sealed class TransportOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Gateway";

    /// <summary>The largest client frame in bytes; larger closes the socket with 1009. Default 16 KiB.</summary>
    [Range(128, 16 * 1024 * 1024, ErrorMessage = "Chat:Gateway:MaxFrameBytes must be between {1} and {2}.")]
    public int MaxFrameBytes { get; set; } = 16 * 1024;

    /// <summary>Frames queued for one socket before it is closed with 1013; typing is dropped past half. Default 1,000.</summary>
    [Range(2, 1_000_000, ErrorMessage = "Chat:Gateway:OutboundQueueLimit must be between {1} and {2}.")]
    public int OutboundQueueLimit { get; set; } = 1000;

    /// <summary>How long a closing socket gets to take its close frame before it is aborted. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Chat:Gateway:CloseTimeout must be between {1} and {2}.")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the server pings an open socket. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Chat:Gateway:PingInterval must be between {1} and {2}.")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long after a ping without a pong the socket is aborted. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Chat:Gateway:PongTimeout must be between {1} and {2}.")]
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Kestrel's socket I/O queues (<c>SocketTransportOptions.IOQueueCount</c>) for the connections
    /// Kestrel serves (the sockets taken directly share one <see cref="Direct.SendQueue"/>); 0 hands
    /// them to the thread pool. Kestrel's own default is one per processor; here half the processors,
    /// at least one: on two cores one queue lowered the steady fan-out's tail side by side; larger
    /// machines were not measured (docs/decisions/0019-one-kestrel-io-queue-on-two-cores.md).
    /// </summary>
    [Range(0, 1024, ErrorMessage = "Chat:Gateway:SocketIOQueues must be between {1} (the thread pool) and {2}.")]
    public int SocketIOQueues { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// Whether the gateway accepts its TCP connections itself and takes a WebSocket upgrade to
    /// <c>/ws</c> before Kestrel sees the connection (Gateway/Transport/Direct). Default true;
    /// false leaves every connection to Kestrel's socket transport and the HTTP pipeline.
    /// </summary>
    public bool DirectUpgrade { get; set; } = true;

    /// <summary>The limits a <see cref="WebSocketConnection"/> applies.</summary>
    public TransportLimits Limits => new(MaxFrameBytes, OutboundQueueLimit, CloseTimeout);
}
