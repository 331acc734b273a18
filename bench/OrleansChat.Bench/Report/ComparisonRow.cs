namespace OrleansChat.Bench.Report;

/// <summary>
/// One headline metric of one scenario, for every target; null where a target has no value.
/// <paramref name="System"/> is the system with its embedded defaults, <paramref name="Redis"/> the
/// same silo and gateway on the Redis profile (bench/run.sh <c>--profiles</c>).
/// </summary>
internal sealed record ComparisonRow(string Scenario, string Metric, string Unit, string Better, double? System, double? Baseline, double? Redis = null)
{
    /// <summary>System divided by baseline, when both exist and the baseline is not zero.</summary>
    public double? Ratio => RatioOf(System);

    /// <summary>The system on Redis divided by the baseline, when both exist and the baseline is not zero.</summary>
    public double? RedisRatio => RatioOf(Redis);

    private double? RatioOf(double? value) => value is { } v && Baseline is { } b && Math.Abs(b) > 1e-12 ? v / b : null;
}
