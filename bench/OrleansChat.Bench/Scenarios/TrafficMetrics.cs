using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>Turns a <see cref="TrafficOutcome"/> into result metrics, names prefixed by phase.</summary>
internal static class TrafficMetrics
{
    /// <summary>
    /// The metrics of one phase. <paramref name="headlines"/> names (without prefix) those that
    /// go into the comparison table.
    /// </summary>
    public static List<Metric> From(TrafficOutcome o, string prefix, params string[] headlines)
    {
        var metrics = new List<Metric>();
        void Add(string name, double value, string unit, string better) =>
            metrics.Add(new Metric(prefix + name, value, unit, better, headlines.Contains(name)));

        if (!double.IsNaN(o.OfferedRate))
        {
            Add("offered rate", o.OfferedRate, "msg/s", "");
        }

        Add("achieved send rate", o.AchievedRate, "msg/s", "higher");
        Add("deliveries per second", o.DeliveriesPerSecond, "deliveries/s", "higher");
        Add("delivery p50", o.Delivery.P50, "ms", "lower");
        Add("delivery p90", o.Delivery.P90, "ms", "lower");
        Add("delivery p99", o.Delivery.P99, "ms", "lower");
        Add("delivery p99.9", o.Delivery.P999, "ms", "lower");
        Add("delivery max", o.Delivery.Max, "ms", "lower");
        Add("delivery mean", o.Delivery.Mean, "ms", "lower");
        Add("deliveries measured", o.Delivery.Count, "count", "");
        Add("ack p50", o.Ack.P50, "ms", "lower");
        Add("ack p99", o.Ack.P99, "ms", "lower");
        Add("ack max", o.Ack.Max, "ms", "lower");
        Add("sent", o.Sent, "count", "");
        Add("acked", o.Acked, "count", "");
        Add("failed (error reply)", o.Failed, "count", "lower");
        Add("unacked at end", o.Unacked, "count", "lower");
        Add("expected deliveries", o.ExpectedDeliveries, "count", "");
        Add("lost by id", o.LostById, "count", "lower");
        Add("lost by seq", o.LostBySeq, "count", "lower");
        Add("out of order by seq", o.OutOfOrderBySeq, "count", "lower");
        Add("out of order by id", o.OutOfOrderById, "count", "lower");
        Add("duplicates by id", o.DuplicatesById, "count", "lower");
        Add("delivered to another room", o.DeliveredToAnotherRoom, "count", "lower");
        Add("receivers with loss", o.ReceiversWithLoss, "count", "lower");
        Add("dropped sockets", o.DroppedSockets, "count", "lower");
        if (o.WindowStalls > 0)
        {
            Add("window stalls", o.WindowStalls, "count", "lower");
        }

        foreach (var (code, count) in o.Errors)
        {
            Add($"error {code}", count, "count", "lower");
        }

        foreach (var (process, percent) in o.CpuPercent)
        {
            Add($"cpu {process}", percent, "% of a core", process == ServerTotals.Bench ? "" : "lower");
        }

        if (ServerTotals.Sum(o.CpuPercent) is { } servers)
        {
            Add("cpu servers", servers, "% of a core", "lower");
        }

        return metrics;
    }
}
