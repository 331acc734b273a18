using OrleansChat.Bench.Results;
using Spectre.Console;

namespace OrleansChat.Bench.Report;

/// <summary>Lines up the headline metrics of the targets, scenario by scenario.</summary>
internal static class Comparison
{
    /// <summary>The order scenarios appear in, which is also the order the runner runs them.</summary>
    public static readonly string[] ScenarioOrder = ["idle", "connections", "latency", "sweep", "rooms", "manyrooms", "oneroom", "fanout", "scaling", "failover", "idle-after"];

    public static List<ComparisonRow> Build(
        IReadOnlyDictionary<string, ScenarioResult> system,
        IReadOnlyDictionary<string, ScenarioResult> baseline,
        IReadOnlyDictionary<string, ScenarioResult>? redis = null)
    {
        redis ??= new Dictionary<string, ScenarioResult>();
        var rows = new List<ComparisonRow>();
        var scenarios = ScenarioOrder.Concat(system.Keys).Concat(redis.Keys).Concat(baseline.Keys).Distinct(StringComparer.Ordinal);
        foreach (var scenario in scenarios)
        {
            var s = system.GetValueOrDefault(scenario);
            var b = baseline.GetValueOrDefault(scenario);
            var r = redis.GetValueOrDefault(scenario);
            var names = new List<Metric>();
            foreach (var metric in (b?.Metrics ?? []).Concat(s?.Metrics ?? []).Concat(r?.Metrics ?? []))
            {
                if (metric.Headline && !names.Any(n => n.Name == metric.Name))
                {
                    names.Add(metric);
                }
            }

            foreach (var metric in names)
            {
                rows.Add(new ComparisonRow(scenario, metric.Name, metric.Unit, metric.Better, Find(s, metric.Name), Find(b, metric.Name), Find(r, metric.Name)));
            }
        }

        return rows;
    }

    public static void Print(IReadOnlyList<ComparisonRow> rows, bool haveSystem, bool haveRedis = false)
    {
        var table = new Table().Title("[bold]system vs baseline[/]").AddColumns("scenario", "metric", "system", "baseline", "system / baseline");
        if (haveRedis)
        {
            table.AddColumns("system, Redis", "Redis / baseline");
        }

        table.AddColumn("unit");
        foreach (var row in rows)
        {
            List<string> cells =
            [
                Markup.Escape(row.Scenario),
                Markup.Escape(row.Metric),
                row.System is { } s ? ResultTable.Format(s) : haveSystem ? "-" : "not run",
                row.Baseline is { } b ? ResultTable.Format(b) : "-",
                FormatRatio(row.Ratio, "x", "-"),
            ];
            if (haveRedis)
            {
                cells.Add(row.Redis is { } r ? ResultTable.Format(r) : "-");
                cells.Add(FormatRatio(row.RedisRatio, "x", "-"));
            }

            cells.Add(Markup.Escape(row.Unit));
            table.AddRow([.. cells]);
        }

        AnsiConsole.Write(table);
    }

    /// <summary>A ratio as the tables show it (two decimals and <paramref name="times"/>), or <paramref name="none"/>.</summary>
    internal static string FormatRatio(double? ratio, string times, string none) =>
        ratio is { } r ? r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + times : none;

    /// <summary>The value of the metric named <paramref name="name"/> in a result, if it has one.</summary>
    internal static double? Find(ScenarioResult? result, string name) =>
        result?.Metrics.FirstOrDefault(m => m.Name == name) is { } metric ? metric.Value : null;
}
