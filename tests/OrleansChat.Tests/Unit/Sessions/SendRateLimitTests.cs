using OrleansChat.Gateway.Sessions;

namespace OrleansChat.Tests.Unit.Sessions;

public sealed class SendRateLimitTests
{
    [Fact]
    public void TheBurstIsTakenAtOnceAndThePeriodsRateComesBackAtEachWholePeriod()
    {
        var clock = new ManualClock();
        var limit = new SendRateLimit(burst: 20, perPeriod: 10, TimeSpan.FromSeconds(1), clock);

        Assert.Equal(20, TakeAll(limit));

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, TakeAll(limit));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(10, TakeAll(limit));

        // Two and a half periods later: two periods' tokens, and the next comes at the third.
        clock.Advance(TimeSpan.FromMilliseconds(2500));
        Assert.Equal(20, TakeAll(limit));
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(0, TakeAll(limit));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(10, TakeAll(limit));
    }

    [Fact]
    public void AnIdleSocketSavesNoMoreThanTheBurst()
    {
        var clock = new ManualClock();
        var limit = new SendRateLimit(burst: 20, perPeriod: 10, TimeSpan.FromSeconds(1), clock);
        Assert.True(limit.TryTake());

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(20, TakeAll(limit));
    }

    private static int TakeAll(SendRateLimit limit)
    {
        var taken = 0;
        while (taken < 1000 && limit.TryTake())
        {
            taken++;
        }

        return taken;
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
