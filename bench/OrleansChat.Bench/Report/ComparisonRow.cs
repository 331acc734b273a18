namespace OrleansChat.Bench.Report;

/// <summary>One headline metric of one scenario, for both targets; null where a target has no value.</summary>
internal sealed record ComparisonRow(string Scenario, string Metric, string Unit, string Better, double? System, double? Baseline)
{
    /// <summary>System divided by baseline, when both exist and the baseline is not zero.</summary>
    public double? Ratio => System is { } s && Baseline is { } b && Math.Abs(b) > 1e-12 ? s / b : null;
}
