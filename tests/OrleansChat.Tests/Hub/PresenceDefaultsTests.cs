using OrleansChat.Gateway.Hub;
using OrleansChat.Grains;

namespace OrleansChat.Tests.Hub;

public sealed class PresenceDefaultsTests
{
    [Fact]
    public void ALiveGatewaysNamesSurviveALostRenewalWithTheDefaults()
    {
        // The gateway's renewal period and the room's lease are set in two processes. A lease must
        // outlast a lost renewal plus the next one arriving late by a period, or a room drops live names
        // and announces them as having left. (A dead gateway's names leaving is tested end to end in
        // PresenceAndTypingTests with short leases.)
        var renew = new RoomHubOptions().PresenceRenewPeriod;
        var rooms = new ChatRoomOptions();

        Assert.True(rooms.PresenceLease > renew * 3, $"lease {rooms.PresenceLease} against renewals every {renew}");
    }
}
