using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Results;
using Spectre.Console;

namespace OrleansChat.Bench.Report;

/// <summary>
/// <c>report</c>: reads <c>DIR/system/*.json</c>, <c>DIR/baseline/*.json</c> and, when the
/// Redis profile was run, <c>DIR/system-redis/*.json</c>; prints the comparison and writes the
/// Markdown report and the latency-versus-rate plot.
/// </summary>
internal static class ReportCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var directory = args.GetString("results", "results");
        var output = args.GetString("out", "docs/performance.md");
        var plot = args.GetString("plot", Path.Combine(Path.GetDirectoryName(output) ?? ".", "performance-latency.png"));
        var machine = args.GetString("machine");
        var commands = args.GetString("commands");
        var targets = args.GetString("targets");
        args.ThrowIfUnused();

        var system = await LoadAsync(Path.Combine(directory, "system"));
        var baseline = await LoadAsync(Path.Combine(directory, "baseline"));
        var redis = await LoadAsync(Path.Combine(directory, RedisFolder));
        if (system.Count == 0 && baseline.Count == 0 && redis.Count == 0)
        {
            throw new InvalidOperationException($"No result files under {directory}/system, {directory}/{RedisFolder} or {directory}/baseline.");
        }

        var comparison = Comparison.Build(system, baseline, redis);
        Comparison.Print(comparison, system.Count > 0, redis.Count > 0);

        var plotWritten = LatencyPlot.TrySave(plot, system.GetValueOrDefault("sweep"), baseline.GetValueOrDefault("sweep"), redis.GetValueOrDefault("sweep"));
        var markdown = MarkdownReport.Build(new MarkdownReport.Input(
            system,
            baseline,
            comparison,
            plotWritten ? Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(output))!, Path.GetFullPath(plot)) : null,
            machine is not null && File.Exists(machine) ? await File.ReadAllTextAsync(machine) : null,
            commands is not null && File.Exists(commands) ? await File.ReadAllTextAsync(commands) : null,
            targets is not null && File.Exists(targets) ? await File.ReadAllTextAsync(targets) : null)
        {
            Redis = redis,
        });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, markdown);
        AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(output)}{(plotWritten ? " and " + Markup.Escape(plot) : string.Empty)}[/]");
        return 0;
    }

    /// <summary>The folder (and <c>--target</c>) of the system's results on the Redis profile.</summary>
    internal const string RedisFolder = "system-redis";

    /// <summary>The results in <paramref name="directory"/>, by scenario; empty when it does not exist.</summary>
    internal static async Task<Dictionary<string, ScenarioResult>> LoadAsync(string directory)
    {
        var results = new Dictionary<string, ScenarioResult>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return results;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            if (await ResultFile.ReadAsync(file) is { } result)
            {
                results[result.Scenario] = result;
            }
        }

        return results;
    }
}
