using System.Diagnostics.Metrics;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// What one gateway's counter has recorded, as it is recorded rather than at the next scrape. Only
/// that gateway's: its meter comes from its host's <see cref="IMeterFactory"/>, which is the meter's
/// scope (the runtime's DefaultMeterFactory), so other gateways in the test process are not counted.
/// </summary>
public sealed class GatewayCount : IDisposable
{
    private readonly MeterListener _listener;
    private long _total;
    private long _measurements;

    /// <summary>
    /// Starts counting <paramref name="instrument"/> (such as <c>chat.gateway.slow_consumer.closes</c>, or a histogram
    /// such as <c>chat.gateway.delivery.latency</c>, whose <see cref="Measurements"/> count what it timed) on <paramref name="gateway"/>.
    /// </summary>
    public GatewayCount(GatewayHost gateway, string instrument)
    {
        _listener = GatewayMeterListener.Start(
            gateway,
            published => published.Name == instrument,
            (_, value, _, _) =>
            {
                Interlocked.Add(ref _total, value);
                Interlocked.Increment(ref _measurements);
            },
            (_, _, _, _) => Interlocked.Increment(ref _measurements));
    }

    /// <summary>The sum recorded since this was made.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>How many measurements were recorded since this was made (for a histogram, how many things it timed).</summary>
    public long Measurements => Interlocked.Read(ref _measurements);

    public void Dispose() => _listener.Dispose();
}
