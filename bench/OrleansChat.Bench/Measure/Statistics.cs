namespace OrleansChat.Bench.Measure;

/// <summary>Summaries of a few repeated readings (latencies have their own histograms).</summary>
internal static class Statistics
{
    /// <summary>The middle value, or the mean of the two middle values; 0 when there are none.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
