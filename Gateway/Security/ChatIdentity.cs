namespace OrleansChat.Gateway.Security;

/// <summary>
/// Who a socket or an HTTP read acts as: the display name, and with a token its <c>sub</c>, the
/// rooms its <c>rooms</c> claim allows and its <c>exp</c>. Without a signing key configured a socket
/// is only a chosen name, allowed every room for as long as it stays open.
/// </summary>
public sealed record ChatIdentity(string User, string? Subject, RoomAccess Rooms, DateTimeOffset? Expires)
{
    /// <summary>A name taken as given (no token): every room, no expiry.</summary>
    public static ChatIdentity Named(string user) => new(user, null, RoomAccess.All, null);

    /// <summary>
    /// Whether <paramref name="other"/> is the same user, as a refresh must be: the same display
    /// name, and the same <c>sub</c> where both carry one.
    /// </summary>
    public bool IsSameUserAs(ChatIdentity other) =>
        string.Equals(User, other.User, StringComparison.Ordinal)
        && (Subject is null || other.Subject is null || string.Equals(Subject, other.Subject, StringComparison.Ordinal));
}
