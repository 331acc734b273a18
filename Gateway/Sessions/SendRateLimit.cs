namespace OrleansChat.Gateway.Sessions;

/// <summary>
/// One socket's send budget: a token bucket that starts full at <c>burst</c> and gains
/// <c>perPeriod</c> tokens at the end of each whole period since it was made, never past
/// <c>burst</c> (the rule <see cref="System.Threading.RateLimiting.TokenBucketRateLimiter"/>
/// applies with a one-second replenishment period). The period is counted from the clock when
/// a send asks, not by a timer: the framework's limiter with <c>AutoReplenishment</c> runs one
/// timer per socket, a cost that grows with the sending sockets
/// (docs/decisions/0008-gateway-per-socket-path-cuts.md). Used from the socket's frame loop only, one frame at a time.
/// </summary>
internal sealed class SendRateLimit
{
    private readonly int _burst;
    private readonly int _perPeriod;
    private readonly long _periodTicks;
    private readonly TimeProvider _time;
    private long _periodStart;
    private int _tokens;

    /// <summary>A full bucket of <paramref name="burst"/> tokens, gaining <paramref name="perPeriod"/> each <paramref name="period"/>.</summary>
    public SendRateLimit(int burst, int perPeriod, TimeSpan period, TimeProvider time)
    {
        _burst = burst;
        _perPeriod = perPeriod;
        _periodTicks = (long)(period.TotalSeconds * time.TimestampFrequency);
        _time = time;
        _periodStart = time.GetTimestamp();
        _tokens = burst;
    }

    /// <summary>Takes one token if there is one.</summary>
    public bool TryTake()
    {
        var periods = (_time.GetTimestamp() - _periodStart) / _periodTicks;
        if (periods > 0)
        {
            _periodStart += periods * _periodTicks;
            _tokens = (int)Math.Min(_burst, _tokens + (periods * _perPeriod));
        }

        if (_tokens == 0)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
