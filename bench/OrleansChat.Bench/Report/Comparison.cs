using OrleansChat.Bench.Results;
using Spectre.Console;

namespace OrleansChat.Bench.Report;

/// <summary>Pairs the headline metrics of the two targets, scenario by scenario.</summary>
internal static class Comparison
{
    /// <summary>The order scenarios appear in, which is also the order the runner runs them.</summary>
    public static readonly string[] ScenarioOrder = ["idle", "connections", "latency", "sweep", "rooms", "oneroom", "fanout", "scaling", "idle-after"];

    public static List<ComparisonRow> Build(IReadOnlyDictionary<string, ScenarioResult> system, IReadOnlyDictionary<string, ScenarioResult> baseline)
    {
        var rows = new List<ComparisonRow>();
        var scenarios = ScenarioOrder.Concat(system.Keys).Concat(baseline.Keys).Distinct(StringComparer.Ordinal);
        foreach (var scenario in scenarios)
        {
            var s = system.GetValueOrDefault(scenario);
            var b = baseline.GetValueOrDefault(scenario);
            var names = new List<Metric>();
            foreach (var metric in (b?.Metrics ?? []).Concat(s?.Metrics ?? []))
            {
                if (metric.Headline && !names.Any(n => n.Name == metric.Name))
                {
                    names.Add(metric);
                }
            }

            foreach (var metric in names)
            {
                rows.Add(new ComparisonRow(scenario, metric.Name, metric.Unit, metric.Better, Find(s, metric.Name), Find(b, metric.Name)));
            }
        }

        return rows;
    }

    public static void Print(IReadOnlyList<ComparisonRow> rows, bool haveSystem)
    {
        var table = new Table().Title("[bold]system vs baseline[/]").AddColumns("scenario", "metric", "system", "baseline", "system / baseline", "unit");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Scenario),
                Markup.Escape(row.Metric),
                row.System is { } s ? ResultTable.Format(s) : haveSystem ? "-" : "not run",
                row.Baseline is { } b ? ResultTable.Format(b) : "-",
                row.Ratio is { } r ? r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "x" : "-",
                Markup.Escape(row.Unit));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>The value of the metric named <paramref name="name"/> in a result, if it has one.</summary>
    internal static double? Find(ScenarioResult? result, string name) =>
        result?.Metrics.FirstOrDefault(m => m.Name == name) is { } metric ? metric.Value : null;
}
