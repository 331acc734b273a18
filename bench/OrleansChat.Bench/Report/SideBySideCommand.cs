using System.Globalization;
using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;
using Spectre.Console;

namespace OrleansChat.Bench.Report;

/// <summary>
/// <c>side-by-side</c>: the runs <c>bench/compare.sh</c> leaves under one folder
/// (<c>DIR/ARM-ROUND/system/*.json</c>), one column per run and the median of each arm, for the
/// headline metrics of every scenario and the processes' CPU.
/// </summary>
internal static class SideBySideCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var directory = args.GetString("results", "results");
        var arms = args.GetString("arms")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        args.ThrowIfUnused();

        if (!Directory.Exists(directory))
        {
            throw new ArgumentException($"No folder {directory}.");
        }

        var runs = new List<(string Arm, string Run, Dictionary<string, ScenarioResult> Results)>();
        foreach (var run in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(run);
            var results = await ReportCommand.LoadAsync(Path.Combine(run, "system"));
            if (results.Count > 0)
            {
                runs.Add((ArmOf(name, arms), name, results));
            }
        }

        if (runs.Count == 0)
        {
            throw new InvalidOperationException($"No runs under {directory} (expected {directory}/ARM-ROUND/system/*.json).");
        }

        var order = arms ?? runs.Select(r => r.Arm).Distinct(StringComparer.Ordinal).ToArray();
        var inArms = runs.ToLookup(r => order.Contains(r.Arm, StringComparer.Ordinal));
        if (inArms[false].Any())
        {
            AnsiConsole.MarkupLine($"[yellow]left out, not of any arm in --arms:[/] {Markup.Escape(string.Join(", ", inArms[false].Select(r => r.Run)))}");
        }

        runs = [.. inArms[true].OrderBy(r => Array.IndexOf(order, r.Arm)).ThenBy(r => r.Run, StringComparer.Ordinal)];

        var table = new Table().Title($"[bold]side by side[/] ({Markup.Escape(directory)})").AddColumn("scenario: metric (unit)");
        var columns = new List<(string Arm, int? Run)>();
        foreach (var arm in order)
        {
            var mine = runs.Select((r, i) => (r, i)).Where(x => x.r.Arm == arm).ToList();
            foreach (var (r, i) in mine)
            {
                table.AddColumn(new TableColumn(Markup.Escape(r.Run)).RightAligned());
                columns.Add((arm, i));
            }

            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(arm)}[/] median").RightAligned());
            columns.Add((arm, null));
        }

        foreach (var (scenario, metric, unit) in Rows(runs.Select(r => r.Results)))
        {
            var cells = new List<string> { Markup.Escape($"{scenario}: {metric} ({unit})") };
            foreach (var (arm, run) in columns)
            {
                if (run is { } index)
                {
                    cells.Add(Value(runs[index].Results, scenario, metric) is { } v ? ResultTable.Format(v) : "-");
                }
                else
                {
                    var values = runs.Where(r => r.Arm == arm).Select(r => Value(r.Results, scenario, metric)).OfType<double>().ToList();
                    cells.Add(values.Count > 0 ? $"[bold]{ResultTable.Format(Statistics.Median(values))}[/]" : "-");
                }
            }

            table.AddRow([.. cells]);
        }

        // One line per metric even when the output is not a terminal (Spectre assumes 80 columns then).
        AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 60 + (14 * columns.Count));
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>The arm a run folder belongs to: the longest given arm name it starts with followed by '-', else its name less a trailing "-N".</summary>
    internal static string ArmOf(string run, IReadOnlyList<string>? arms)
    {
        var given = arms?.Where(a => run.StartsWith(a + "-", StringComparison.Ordinal)).MaxBy(a => a.Length);
        if (given is not null)
        {
            return given;
        }

        var dash = run.LastIndexOf('-');
        return dash > 0 && int.TryParse(run.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _) ? run[..dash] : run;
    }

    // Headline metrics and CPU figures, in the runner's scenario order, each once.
    private static IEnumerable<(string Scenario, string Metric, string Unit)> Rows(IEnumerable<Dictionary<string, ScenarioResult>> runs)
    {
        var all = runs.ToList();
        var scenarios = Comparison.ScenarioOrder.Concat(all.SelectMany(r => r.Keys)).Distinct(StringComparer.Ordinal);
        foreach (var scenario in scenarios)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var metric in all.SelectMany(r => r.GetValueOrDefault(scenario)?.Metrics ?? []))
            {
                if ((metric.Headline || metric.Name.Contains("cpu", StringComparison.Ordinal)) && seen.Add(metric.Name))
                {
                    yield return (scenario, metric.Name, metric.Unit);
                }
            }
        }
    }

    private static double? Value(Dictionary<string, ScenarioResult> results, string scenario, string metric) =>
        Comparison.Find(results.GetValueOrDefault(scenario), metric);
}
