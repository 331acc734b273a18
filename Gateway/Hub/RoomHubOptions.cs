using System.ComponentModel.DataAnnotations;

namespace OrleansChat.Gateway.Hub;

/// <summary>How the hub joins rooms and keeps its presence in them; bound from <c>Chat:Gateway</c>.</summary>
public sealed class RoomHubOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Gateway";

    /// <summary>Messages in a plain <c>join</c> reply. Default 50.</summary>
    [Range(0, 100_000, ErrorMessage = "Chat:Gateway:HistoryOnJoin must be between {1} and {2}.")]
    public int HistoryOnJoin { get; set; } = 50;

    /// <summary>The most messages a <c>join</c> with <c>since</c> returns (the room's history window). Default 1,000.</summary>
    [Range(1, 100_000, ErrorMessage = "Chat:Gateway:RecoveryLimit must be between {1} and {2}.")]
    public int RecoveryLimit { get; set; } = 1000;

    /// <summary>
    /// How often the gateway renews its presence leases in the rooms it holds: one grain call per
    /// room each period, so it must be well under the silo's <c>Chat:Rooms:PresenceLease</c> (the
    /// defaults leave four periods in a lease). Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Chat:Gateway:PresenceRenewPeriod must be between {1} and {2}.")]
    public TimeSpan PresenceRenewPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
