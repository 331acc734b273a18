using System.Diagnostics;
using HdrHistogram;

namespace OrleansChat.Bench.Measure;

/// <summary>
/// A thread-safe HdrHistogram of latencies recorded as Stopwatch ticks, kept in microseconds
/// from 1 µs to 2 minutes with three significant digits.
/// </summary>
internal sealed class LatencyRecorder
{
    private const long HighestMicros = 120_000_000;

    private readonly LongConcurrentHistogram _histogram = new(1, HighestMicros, 3);

    public void RecordTicks(long ticks)
    {
        var micros = Math.Clamp(ticks * 1_000_000 / Stopwatch.Frequency, 1, HighestMicros);
        _histogram.RecordValue(micros);
    }

    public LatencySummary Summarize()
    {
        var snapshot = _histogram.Copy();
        if (snapshot.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }

        static double Ms(long micros) => micros / 1000.0;
        return new LatencySummary(
            snapshot.TotalCount,
            snapshot.GetMean() / 1000.0,
            Ms(snapshot.GetValueAtPercentile(50)),
            Ms(snapshot.GetValueAtPercentile(90)),
            Ms(snapshot.GetValueAtPercentile(99)),
            Ms(snapshot.GetValueAtPercentile(99.9)),
            Ms(snapshot.GetMaxValue()));
    }
}
