using System.Globalization;
using Spectre.Console;

namespace OrleansChat.Bench.Results;

/// <summary>Prints a result as a table on the console.</summary>
internal static class ResultTable
{
    public static void Print(ScenarioResult result)
    {
        var table = new Table()
            .Title($"[bold]{Markup.Escape(result.Scenario)}[/] against [bold]{Markup.Escape(result.Target)}[/] ({Markup.Escape(result.Url)})")
            .AddColumn("metric")
            .AddColumn(new TableColumn("value").RightAligned())
            .AddColumn("unit");
        foreach (var metric in result.Metrics)
        {
            var name = metric.Headline ? $"[bold]{Markup.Escape(metric.Name)}[/]" : Markup.Escape(metric.Name);
            table.AddRow(name, Format(metric.Value), Markup.Escape(metric.Unit));
        }

        AnsiConsole.Write(table);
        if (result.Sweep is { Count: > 0 } sweep)
        {
            var points = new Table()
                .Title("delivery latency by offered rate")
                .AddColumns("msg/s", "achieved", "p50 ms", "p90 ms", "p99 ms", "max ms", "lost", "deliveries/s");
            foreach (var p in sweep)
            {
                points.AddRow(Format(p.Rate), Format(p.AchievedRate), Format(p.P50), Format(p.P90), Format(p.P99), Format(p.Max), Format(p.Lost), Format(p.DeliveriesPerSecond));
            }

            AnsiConsole.Write(points);
        }

        foreach (var note in result.Notes)
        {
            AnsiConsole.MarkupLine($"[grey]note:[/] {Markup.Escape(note)}");
        }
    }

    /// <summary>Numbers the way the tables show them: integers plainly, others with up to three decimals.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return "n/a";
        }

        if (Math.Abs(value - Math.Round(value)) < 1e-9 && Math.Abs(value) < 1e15)
        {
            return value.ToString("#,0", CultureInfo.InvariantCulture);
        }

        return Math.Abs(value) >= 100
            ? value.ToString("#,0.0", CultureInfo.InvariantCulture)
            : value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
