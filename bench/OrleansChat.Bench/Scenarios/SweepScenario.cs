using System.Globalization;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary><c>sweep</c>: the latency scenario at several message rates, a few seconds each, for the plot.</summary>
internal static class SweepScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var rates = context.Args.GetDoubles("rates", [50, 100, 200, 400]);
        var receivers = context.Args.GetInt("receivers", context.Scaled(50));
        var perSocket = context.Args.GetDouble("per-socket-rate", 8);
        var duration = context.Args.GetDouble("duration", 5);
        var warmup = context.Args.GetDouble("warmup", 1);
        context.Args.ThrowIfUnused();

        var points = new List<SweepPoint>();
        var metrics = new List<Metric>();
        var notes = new List<string>();
        for (var step = 0; step < rates.Count; step++)
        {
            var rate = rates[step];
            var (outcome, stepNotes) = await LatencyScenario.MeasureAsync(context, step, receivers, rate, perSocket, warmup, duration);
            var lost = outcome.LostById;
            points.Add(new SweepPoint(rate, outcome.AchievedRate, outcome.Delivery.P50, outcome.Delivery.P90, outcome.Delivery.P99, outcome.Delivery.Max, lost, outcome.DeliveriesPerSecond));
            var at = string.Create(CultureInfo.InvariantCulture, $" @ {rate} msg/s");
            metrics.Add(new Metric("delivery p50" + at, outcome.Delivery.P50, "ms", "lower", false));
            metrics.Add(new Metric("delivery p99" + at, outcome.Delivery.P99, "ms", "lower", true));
            metrics.Add(new Metric("achieved send rate" + at, outcome.AchievedRate, "msg/s", "higher", false));
            metrics.Add(new Metric("lost by id" + at, lost, "count", "lower", false));
            foreach (var (process, percent) in outcome.CpuPercent)
            {
                metrics.Add(new Metric($"cpu {process}{at}", percent, "% of a core", process == ServerTotals.Bench ? "" : "lower", false));
            }

            if (ServerTotals.Sum(outcome.CpuPercent) is { } servers)
            {
                metrics.Add(new Metric("cpu servers" + at, servers, "% of a core", "lower", false));
            }

            notes.AddRange(stepNotes.Take(step == 0 ? 2 : 1));
        }

        return context.Result(metrics, notes, sweep: points);
    }
}
