using System.Diagnostics;
using OrleansChat.Bench.Measure;

namespace OrleansChat.Bench.Tests.Measure;

/// <summary>
/// The recorder keeps three significant digits, so every figure is checked to within 0.1 % above
/// the exact value (HdrHistogram reports the top of the bucket a value fell in).
/// </summary>
public sealed class LatencyRecorderTests
{
    [Fact]
    public void AnEmptyRecorderSummarizesToZeros()
    {
        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0, 0), new LatencyRecorder().Summarize());
    }

    [Fact]
    public void OneToAHundredMillisecondsHaveTheirMiddleAndTailWhereTheyShouldBe()
    {
        var recorder = new LatencyRecorder();
        // Recorded out of order: percentiles must not depend on arrival order.
        foreach (var ms in Enumerable.Range(1, 100).OrderBy(ms => (ms * 37) % 101))
        {
            recorder.RecordTicks(Ticks(ms));
        }

        var summary = recorder.Summarize();

        // The p-th percentile of 1..100 is the value with p % of the values at or below it.
        Assert.Equal(100, summary.Count);
        AssertNear(50, summary.P50);
        AssertNear(90, summary.P90);
        AssertNear(99, summary.P99);
        AssertNear(100, summary.P999);
        AssertNear(100, summary.Max);
        AssertNear(50.5, summary.Mean);
    }

    [Fact]
    public void AFewSlowDeliveriesMoveOnlyTheTail()
    {
        // 990 deliveries of 1 ms and 10 of 500 ms: 99 % are at 1 ms, the 999th value is 500 ms.
        var recorder = new LatencyRecorder();
        for (var i = 0; i < 1000; i++)
        {
            recorder.RecordTicks(Ticks(i % 100 == 0 ? 500 : 1));
        }

        var summary = recorder.Summarize();

        AssertNear(1, summary.P50);
        AssertNear(1, summary.P90);
        AssertNear(1, summary.P99);
        AssertNear(500, summary.P999);
        AssertNear(500, summary.Max);
        AssertNear(((990 * 1) + (10 * 500)) / 1000.0, summary.Mean);
    }

    [Fact]
    public void TicksAreConvertedWithTheStopwatchFrequency()
    {
        var recorder = new LatencyRecorder();
        recorder.RecordTicks(Stopwatch.Frequency * 25 / 10_000);

        AssertNear(2.5, recorder.Summarize().P50);
    }

    [Fact]
    public void ValuesOutsideOneMicrosecondToTwoMinutesAreClampedNotLost()
    {
        var recorder = new LatencyRecorder();
        recorder.RecordTicks(0);
        recorder.RecordTicks(-Stopwatch.Frequency);
        recorder.RecordTicks(Stopwatch.Frequency * 600);

        var summary = recorder.Summarize();

        Assert.Equal(3, summary.Count);
        AssertNear(0.001, summary.P50);
        AssertNear(120_000, summary.Max);
    }

    [Fact]
    public void ReceiveLoopsRecordingAtOnceLoseNoValue()
    {
        var recorder = new LatencyRecorder();

        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 5000; i++)
            {
                recorder.RecordTicks(Ticks(3));
            }
        });

        Assert.Equal(20_000, recorder.Summarize().Count);
    }

    private static long Ticks(double ms) => (long)Math.Round(ms * Stopwatch.Frequency / 1000);

    private static void AssertNear(double expected, double actual) => Assert.InRange(actual, expected * 0.999, (expected * 1.001) + 0.001);
}
