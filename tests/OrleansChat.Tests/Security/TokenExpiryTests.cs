using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Gateway.Security;

namespace OrleansChat.Tests.Security;

/// <summary>The one timer that closes sockets whose tokens expire, driven by a fake clock.</summary>
public sealed class TokenExpiryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly TokenExpiry _expiry;
    private readonly List<string> _fired = [];

    public TokenExpiryTests() => _expiry = new TokenExpiry(_time, NullLogger<TokenExpiry>.Instance);

    public void Dispose() => _expiry.Dispose();

    [Fact]
    public void EachLeaseFiresOnceAtItsDueTimeInDueOrder()
    {
        Track("b", 20);
        Track("a", 10);
        Track("c", 30);

        _time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Empty(_fired);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["a"], _fired);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["a", "b", "c"], _fired);
        Assert.Equal(0, _expiry.Tracked);
    }

    [Fact]
    public void AMovedLeaseFiresAtItsNewTimeOnlyAndADisposedOneNever()
    {
        var moved = Track("moved", 10);
        var gone = Track("gone", 10);
        Track("kept", 15);

        moved.MoveTo(_time.GetUtcNow().AddSeconds(20));
        gone.Dispose();
        _time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(["kept"], _fired);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(["kept", "moved"], _fired);

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(["kept", "moved"], _fired);
    }

    [Fact]
    public void ALeaseMovedEarlierFiresAtTheEarlierTime()
    {
        var lease = Track("early", 60);

        lease.MoveTo(_time.GetUtcNow().AddSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["early"], _fired);
    }

    [Fact]
    public void ThousandsOfLeasesThatComeAndGoLeaveOnlyTheLiveOnesToFire()
    {
        var leases = Enumerable.Range(0, 5000).Select(i => Track($"s{i}", 3600 + i)).ToList();
        foreach (var lease in leases.Where((_, i) => i % 10 != 0))
        {
            lease.Dispose();
        }

        Assert.Equal(500, _expiry.Tracked);
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"s{i * 10}"), _fired);
    }

    private ExpiryLease Track(string name, double seconds) =>
        _expiry.Track(_time.GetUtcNow().AddSeconds(seconds), () => _fired.Add(name));
}
