using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// Every measurement on one gateway's instruments of the meter <c>Microsoft.AspNetCore.Server.Kestrel</c>,
/// whichever of its meters (Kestrel's own, or the direct path's of the same name) made them. Only that
/// gateway's: a meter made through a host's <see cref="IMeterFactory"/> has the factory as its scope.
/// </summary>
public sealed class KestrelMeasurements : IDisposable
{
    /// <summary>Kestrel's meter name.</summary>
    public const string MeterName = "Microsoft.AspNetCore.Server.Kestrel";

    private readonly MeterListener _listener;
    private readonly ConcurrentQueue<Measurement> _all = new();

    /// <summary>Starts listening to <paramref name="gateway"/>'s Kestrel instruments.</summary>
    public KestrelMeasurements(GatewayHost gateway)
    {
        _listener = GatewayMeterListener.Start(
            gateway,
            instrument => instrument.Meter.Name == MeterName,
            (instrument, value, tags, _) => Add(instrument, value, tags),
            (instrument, value, tags, _) => Add(instrument, value, tags));
    }

    /// <summary>What was measured so far, in order.</summary>
    public IReadOnlyList<Measurement> All => [.. _all];

    /// <summary>The sum of what was added to <paramref name="instrument"/> so far.</summary>
    public double Sum(string instrument) => All.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    /// <summary>How many values <paramref name="instrument"/> recorded so far.</summary>
    public int Count(string instrument) => All.Count(m => m.Instrument == instrument);

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _all.Enqueue(new Measurement(
            instrument.Name,
            instrument.Unit,
            instrument.Description,
            instrument is Histogram<double> histogram ? string.Join(",", histogram.Advice?.HistogramBucketBoundaries ?? []) : null,
            value,
            string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))));

    /// <summary>
    /// One measurement: the instrument's name, unit, description and (a histogram's) bucket advice, which
    /// together make an OpenTelemetry stream's identity, the value, and its tags (sorted, <c>k=v,…</c>).
    /// </summary>
    public sealed record Measurement(string Instrument, string? Unit, string? Description, string? Buckets, double Value, string Tags);
}
