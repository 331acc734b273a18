namespace OrleansChat.Baseline.Transport;

/// <summary>The protocol's default limits, fixed: the baseline has nothing to configure.</summary>
internal static class ChatLimits
{
    /// <summary>Largest client frame; a larger one closes the socket with 1009.</summary>
    public const int MaxFrameBytes = 16 * 1024;

    /// <summary>Frames queued for one socket; past this the socket is closed with 1013.</summary>
    public const int OutboundQueue = 1000;

    public const int MaxRoomsPerSocket = 100;

    public const int MaxTextLength = 4000;

    /// <summary>Messages returned in a <c>joined</c> reply.</summary>
    public const int HistoryLength = 50;

    public const double SendsPerSecond = 10;

    public const double SendBurst = 20;

    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long a close handshake may take before the socket is aborted.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
}
