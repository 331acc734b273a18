using OrleansChat.Grains;

namespace OrleansChat.Tests.Unit.Grains;

public sealed class RoomPresenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(40);

    [Fact]
    public void TheFirstLeaseEndFollowsRenewalsAndDepartures()
    {
        var presence = new RoomPresence();
        Assert.Null(presence.FirstLeaseEnd);

        presence.Enter("east", "alice", T0 + Lease);
        presence.Enter("west", "bob", T0 + TimeSpan.FromSeconds(5) + Lease);
        Assert.Equal(T0 + Lease, presence.FirstLeaseEnd);

        presence.Renew("east", ["alice"], T0 + TimeSpan.FromSeconds(10) + Lease);
        Assert.Equal(T0 + TimeSpan.FromSeconds(5) + Lease, presence.FirstLeaseEnd);

        presence.Exit("west", "bob");
        Assert.Equal(T0 + TimeSpan.FromSeconds(10) + Lease, presence.FirstLeaseEnd);

        presence.Exit("east", "alice");
        Assert.Null(presence.FirstLeaseEnd);
    }

    [Fact]
    public void ALeaseHasRunOutAtTheMomentItEnds()
    {
        // The room's timer is due exactly at the first lease end; finding that lease still valid
        // then would leave its names for one more lease.
        var presence = new RoomPresence();
        presence.Enter("east", "alice", T0 + Lease);
        presence.Enter("west", "bob", T0 + Lease + TimeSpan.FromSeconds(1));

        Assert.Empty(presence.Expire(T0 + Lease - TimeSpan.FromTicks(1)));
        Assert.Equal(["alice"], presence.Expire(T0 + Lease));
        Assert.Equal(["bob"], presence.Members);
        Assert.Equal(T0 + Lease + TimeSpan.FromSeconds(1), presence.FirstLeaseEnd);
    }
}
