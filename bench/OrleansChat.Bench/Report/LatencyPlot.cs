using System.Globalization;
using OrleansChat.Bench.Results;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace OrleansChat.Bench.Report;

/// <summary>
/// Draws delivery latency percentiles against offered message rate, system, baseline and (when
/// run) the system on Redis, from their sweep results. The latency axis is logarithmic: the two servers can be orders of
/// magnitude apart.
/// </summary>
internal static class LatencyPlot
{
    public static bool TrySave(string path, ScenarioResult? system, ScenarioResult? baseline, ScenarioResult? redis = null)
    {
        var series = new[]
            {
                (Name: "system", Result: system, Color: Colors.OrangeRed),
                (Name: "baseline", Result: baseline, Color: Colors.SteelBlue),
                (Name: "system, Redis", Result: redis, Color: Colors.SeaGreen),
            }
            .Where(s => s.Result?.Sweep is { Count: > 0 })
            .ToList();
        if (series.Count == 0)
        {
            return false;
        }

        var plot = new Plot();
        var logMin = double.MaxValue;
        var logMax = double.MinValue;
        foreach (var (name, result, color) in series)
        {
            var points = result!.Sweep!;
            double[] rates = [.. points.Select(p => p.Rate)];
            AddLine(plot, rates, [.. points.Select(p => p.P50)], $"{name} p50", color, LinePattern.Solid, MarkerShape.FilledCircle);
            AddLine(plot, rates, [.. points.Select(p => p.P90)], $"{name} p90", color, LinePattern.DenselyDashed, MarkerShape.OpenCircle);
            AddLine(plot, rates, [.. points.Select(p => p.P99)], $"{name} p99", color, LinePattern.Dashed, MarkerShape.FilledSquare);
            logMin = Math.Min(logMin, points.Min(p => ToLog(p.P50)));
            logMax = Math.Max(logMax, points.Max(p => ToLog(p.P99)));
        }

        // Whole decades top and bottom, so that at least two labelled ticks show.
        plot.Axes.SetLimitsY(Math.Floor(logMin), Math.Max(Math.Ceiling(logMax), Math.Floor(logMin) + 1));

        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("0.###", CultureInfo.InvariantCulture),
        };
        plot.Title("Delivery latency vs message rate (one room; sweep scenario)");
        plot.XLabel("offered rate (messages/s into the room)");
        plot.YLabel("send → receive latency (ms, log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 960, 600);
        return true;
    }

    private static double ToLog(double milliseconds) => Math.Log10(Math.Max(milliseconds, 0.01));

    private static void AddLine(Plot plot, double[] xs, double[] milliseconds, string label, Color color, LinePattern pattern, MarkerShape marker)
    {
        // Log scale in ScottPlot 5 means plotting log10 values with log-spaced ticks.
        double[] ys = [.. milliseconds.Select(ToLog)];
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.Color = color;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerShape = marker;
        line.MarkerSize = 7;
    }
}
