namespace OrleansChat.Bench.Measure;

/// <summary>Percentiles of one latency distribution, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double Mean, double P50, double P90, double P99, double P999, double Max);
