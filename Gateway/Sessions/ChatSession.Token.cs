using System.Net.WebSockets;
using OrleansChat.Protocol;
using OrleansChat.Gateway.Security;

namespace OrleansChat.Gateway.Sessions;

/// <summary>A session's token: the rooms it allows, its expiry (close 1008) and its <c>refresh</c>.</summary>
public sealed partial class ChatSession
{
    private ChatIdentity _identity = identity;
    private RoomAccess _access = identity.Rooms;

    // Null without a token: a socket connected by name never expires.
    private ExpiryLease? _expiry;

    private void WatchExpiry() =>
        _expiry = tokens.Watch(_identity, () => connection.RequestClose(WebSocketCloseStatus.PolicyViolation, "token expired"));

    /// <summary>
    /// A new token for the same user: its <c>exp</c> and <c>rooms</c> apply from now on, and the rooms
    /// it no longer allows are left (a <c>left</c> frame each) before the <c>refreshed</c> reply. A
    /// token that is not valid, or is another user's, changes nothing.
    /// </summary>
    private async Task RefreshAsync(string token)
    {
        if (!tokens.Required)
        {
            Reply(new ProtocolError(ErrorCodes.BadToken, "this gateway does not use tokens"));
            return;
        }

        var check = await tokens.ValidateAsync(token);
        if (check.Identity is not { } next)
        {
            Reply(new ProtocolError(ErrorCodes.BadToken, "the token is not valid"));
            return;
        }

        if (!_identity.IsSameUserAs(next))
        {
            Reply(new ProtocolError(ErrorCodes.BadToken, "the token is for another user"));
            return;
        }

        (_identity, _access) = (next, next.Rooms);
        _expiry?.MoveTo(tokens.ClosesAt(next.Expires!.Value));
        List<string> refused;
        lock (_rooms)
        {
            refused = _rooms.Where(room => !_access.Allows(room)).ToList();
        }

        foreach (var room in refused)
        {
            await LeaveAsync(room);
        }

        connection.TrySend(ServerFrames.Refreshed(next.Expires!.Value));
    }
}
