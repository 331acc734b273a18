namespace OrleansChat.Gateway.Security;

/// <summary>
/// Closes sockets when their tokens expire, with one timer for the whole gateway: the leases wait
/// in a priority queue by due time and the timer is set for the earliest, as the keep-alive has one
/// sweep rather than a timer per socket. A lease moved by a refresh or ended with its socket is
/// skipped when its old entry comes up, so a move or an end costs no search; when stale entries
/// outnumber the live ones the queue is rebuilt, so a churn of short connections with long tokens
/// does not keep their entries until those tokens would have expired.
/// </summary>
public sealed partial class TokenExpiry : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger<TokenExpiry> _logger;
    private readonly ITimer _timer;
    private readonly Lock _sync = new();

    // Guarded by _sync. Priorities are due times in Unix milliseconds.
    private readonly PriorityQueue<ExpiryLease, long> _due = new();
    private long _armedFor = long.MaxValue;
    private int _live;

    /// <summary>Makes the one timer (idle until a lease is tracked).</summary>
    public TokenExpiry(TimeProvider time, ILogger<TokenExpiry> logger)
    {
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((TokenExpiry)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Leases waiting for their token to expire.</summary>
    public int Tracked
    {
        get
        {
            lock (_sync)
            {
                return _live;
            }
        }
    }

    /// <summary>Calls <paramref name="expired"/> once at <paramref name="due"/>, unless the lease is moved or disposed first.</summary>
    public ExpiryLease Track(DateTimeOffset due, Action expired)
    {
        var lease = new ExpiryLease(this, expired);
        lock (_sync)
        {
            _live++;
            Schedule(lease, due);
        }

        return lease;
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    /// <summary>A refresh: the lease is now due at <paramref name="due"/> (its old entry is skipped).</summary>
    internal void Move(ExpiryLease lease, DateTimeOffset due)
    {
        lock (_sync)
        {
            if (!lease.Ended)
            {
                Schedule(lease, due);
            }
        }
    }

    /// <summary>The socket closed: the lease will not fire.</summary>
    internal void End(ExpiryLease lease)
    {
        lock (_sync)
        {
            if (lease.Ended)
            {
                return;
            }

            lease.Ended = true;
            _live--;
            if (_due.Count > 1024 && _due.Count > 2 * _live)
            {
                var current = _due.UnorderedItems.Where(static e => !e.Element.Ended && e.Element.DueAt == e.Priority).ToList();
                _due.Clear();
                _due.EnqueueRange(current);
            }
        }
    }

    // Under _sync.
    private void Schedule(ExpiryLease lease, DateTimeOffset due)
    {
        var at = due.ToUnixTimeMilliseconds();
        lease.DueAt = at;
        _due.Enqueue(lease, at);
        if (at < _armedFor)
        {
            Arm(at);
        }
    }

    // Under _sync.
    private void Arm(long at)
    {
        _armedFor = at;
        var wait = Math.Max(0, at - _time.GetUtcNow().ToUnixTimeMilliseconds());
        _timer.Change(TimeSpan.FromMilliseconds(wait), Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        List<ExpiryLease>? expired = null;
        lock (_sync)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            while (_due.TryPeek(out var lease, out var at))
            {
                var current = !lease.Ended && lease.DueAt == at;
                if (current && at > now)
                {
                    break;
                }

                _due.Dequeue();
                if (current)
                {
                    lease.Ended = true;
                    _live--;
                    (expired ??= []).Add(lease);
                }
            }

            _armedFor = long.MaxValue;
            if (_due.TryPeek(out _, out var next))
            {
                Arm(next);
            }
        }

        foreach (var lease in expired ?? [])
        {
            try
            {
                lease.Expired();
            }
            catch (Exception exception)
            {
                LogExpiryFailed(exception);
            }
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Closing a socket whose token expired failed")]
    private partial void LogExpiryFailed(Exception exception);
}
