using OrleansChat.Bench.Report;
using static OrleansChat.Bench.Tests.Infrastructure.Results;

namespace OrleansChat.Bench.Tests.Report;

public sealed class ComparisonTests
{
    [Fact]
    public void EachHeadlineMetricIsPairedWithTheSystemDividedByTheBaseline()
    {
        var system = ByScenario(Of("latency", "system", Headline("delivery p50", 1.85), Headline("delivery p99", 4.0), Detail("sent", 4400)));
        var baseline = ByScenario(Of("latency", "baseline", Headline("delivery p50", 0.925), Headline("delivery p99", 5.0), Detail("sent", 4400)));

        var rows = Comparison.Build(system, baseline);

        Assert.Equal(
            [
                new ComparisonRow("latency", "delivery p50", "ms", "lower", 1.85, 0.925),
                new ComparisonRow("latency", "delivery p99", "ms", "lower", 4.0, 5.0),
            ],
            rows);
        Assert.Equal(2.0, rows[0].Ratio!.Value, precision: 12);
        Assert.Equal(0.8, rows[1].Ratio!.Value, precision: 12);
    }

    [Fact]
    public void TheRedisProfileHasItsOwnValueAndItsOwnRatioToTheBaseline()
    {
        var system = ByScenario(Of("latency", "system", Headline("delivery p50", 1.85)));
        var baseline = ByScenario(Of("latency", "baseline", Headline("delivery p50", 0.925)));
        var redis = ByScenario(Of("latency", "system-redis", Headline("delivery p50", 2.775), Headline("redis only", 4)));

        var rows = Comparison.Build(system, baseline, redis);

        Assert.Equal(
            [
                new ComparisonRow("latency", "delivery p50", "ms", "lower", 1.85, 0.925, 2.775),
                new ComparisonRow("latency", "redis only", "ms", "lower", null, null, 4),
            ],
            rows);
        Assert.Equal(3.0, rows[0].RedisRatio!.Value, precision: 12);
        Assert.Null(rows[1].RedisRatio);
    }

    [Fact]
    public void AMetricTheBaselineLacksHasNoBaselineValueAndNoRatio()
    {
        var system = ByScenario(
            Of("latency", "system", Headline("delivery p50", 2), Headline("ack p50", 3)),
            Of("oneroom", "system", Headline("acked sends per second", 10975, "msg/s", "higher")));
        var baseline = ByScenario(Of("latency", "baseline", Headline("delivery p50", 1)));

        var rows = Comparison.Build(system, baseline);

        var ack = Assert.Single(rows, r => r.Metric == "ack p50");
        Assert.Equal((3.0, (double?)null, (double?)null), (ack.System, ack.Baseline, ack.Ratio));
        var oneRoom = Assert.Single(rows, r => r.Scenario == "oneroom");
        Assert.Equal((10975.0, (double?)null, (double?)null), (oneRoom.System, oneRoom.Baseline, oneRoom.Ratio));
    }

    [Fact]
    public void WithoutTheSystemEveryRowHasOnlyTheBaseline()
    {
        var rows = Comparison.Build(ByScenario(), ByScenario(Of("latency", "baseline", Headline("delivery p50", 0.9))));

        var row = Assert.Single(rows);
        Assert.Equal((null, 0.9, null), (row.System, row.Baseline, row.Ratio));
    }

    [Fact]
    public void AZeroBaselineGivesNoRatioRatherThanInfinity()
    {
        var rows = Comparison.Build(
            ByScenario(Of("latency", "system", Headline("lost by id", 3, "count"))),
            ByScenario(Of("latency", "baseline", Headline("lost by id", 0, "count"))));

        Assert.Null(Assert.Single(rows).Ratio);
    }

    [Fact]
    public void ScenariosComeInTheRunnersOrderThenAnyOthersAndMetricsInTheBaselinesOrderThenTheSystemsExtras()
    {
        var system = ByScenario(
            Of("custom", "system", Headline("x", 1)),
            Of("rooms", "system", Headline("delivery p99", 1), Headline("rooms only in system", 2)),
            Of("latency", "system", Headline("delivery p50", 1)));
        var baseline = ByScenario(
            Of("rooms", "baseline", Headline("deliveries per second", 8000, "deliveries/s", "higher"), Headline("delivery p99", 2)),
            Of("idle", "baseline", Headline("idle cpu servers", 0.5, "% of a core")));

        var rows = Comparison.Build(system, baseline);

        Assert.Equal(
            ["idle: idle cpu servers", "latency: delivery p50", "rooms: deliveries per second", "rooms: delivery p99", "rooms: rooms only in system", "custom: x"],
            rows.Select(r => $"{r.Scenario}: {r.Metric}"));
    }

    [Fact]
    public void AMetricThatIsHeadlineOnOneSideTakesTheOtherSidesValueToo()
    {
        var rows = Comparison.Build(
            ByScenario(Of("latency", "system", Detail("delivery p50", 2, "ms", "lower"))),
            ByScenario(Of("latency", "baseline", Headline("delivery p50", 1))));

        var row = Assert.Single(rows);
        Assert.Equal((2.0, 1.0, 2.0), (row.System, row.Baseline, row.Ratio));
    }

    [Fact]
    public void FindReadsAMetricByNameAndNothingWhenItOrTheResultIsMissing()
    {
        var result = Of("latency", "system", Headline("delivery p50", 1.5), Detail("sent", 10));

        Assert.Equal(1.5, Comparison.Find(result, "delivery p50"));
        Assert.Equal(10, Comparison.Find(result, "sent"));
        Assert.Null(Comparison.Find(result, "delivery p5"));
        Assert.Null(Comparison.Find(null, "delivery p50"));
    }
}
