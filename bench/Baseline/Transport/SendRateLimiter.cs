using System.Diagnostics;

namespace OrleansChat.Baseline.Transport;

/// <summary>
/// A token bucket per socket (10 a second, bursts of 20), as the protocol requires. Used only
/// from the socket's read loop, so it needs no lock.
/// </summary>
internal sealed class SendRateLimiter
{
    private double _tokens = ChatLimits.SendBurst;
    private long _last = Stopwatch.GetTimestamp();

    public bool TryTake()
    {
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(ChatLimits.SendBurst, _tokens + ((now - _last) * ChatLimits.SendsPerSecond / Stopwatch.Frequency));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
