using OrleansChat.Gateway.Hosting;
using OrleansChat.Grains;

namespace OrleansChat.Tests.Hub;

public sealed class PresenceDefaultsTests
{
    [Fact]
    public void GatewaysRenewEveryTenSecondsAndALeaseOutlastsFourRenewals()
    {
        // One renewal call per room each period is the gateway's main idle cost, so the period is
        // 10 s; the lease keeps four periods so that late or lost renewals do not drop live names,
        // and a dead gateway's names leave at most lease + check period (45 s) after its last renewal.
        var renew = new ChatGatewayOptions().PresenceRenewPeriod;
        var rooms = new ChatRoomOptions();

        Assert.Equal(TimeSpan.FromSeconds(10), renew);
        Assert.Equal(renew * 4, rooms.PresenceLease);
        Assert.Equal(TimeSpan.FromSeconds(45), rooms.PresenceLease + rooms.PresenceCheckPeriod);
    }
}
