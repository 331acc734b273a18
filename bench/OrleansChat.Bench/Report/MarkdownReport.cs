using System.Globalization;
using System.Text;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Report;

/// <summary>Writes <c>docs/performance.md</c>: the comparison, the plot, what was run and on what.</summary>
internal static class MarkdownReport
{
    public static string Build(Input input)
    {
        var haveSystem = input.System.Count > 0;
        var md = new StringBuilder();
        Line(md, "# Performance: OrleansChat against a single-process baseline");
        Line(md);
        Line(md, $"Measured by `bench/run.sh` {MeasuredWhen(input)}. Both servers were driven over real WebSockets on loopback by `bench/OrleansChat.Bench`, which runs on the same machine and so shares its cores with the server under test.");
        if (!haveSystem)
        {
            Line(md);
            Line(md, "**The system with its embedded defaults was not run** (left out of `--profiles`, or its build output was not found or it did not become ready): its columns are empty.");
        }

        Line(md);
        Line(md, "## Summary");
        Line(md);
        var haveRedis = input.Redis.Count > 0;
        Line(md, "`system` is the Orleans silo plus the gateway with their embedded defaults (CPU and memory summed over both processes); `baseline` is `bench/Baseline`, one ASP.NET Core process keeping rooms in memory. A ratio above 1 means the system's number is that many times the baseline's; the last column says which direction is better.");
        if (haveRedis)
        {
            Line(md);
            Line(md, "`system, Redis` is the same silo and gateway on the Redis profile (membership, room storage and the stream pub-sub store in one local `redis-server` with append-only persistence); its CPU and memory are summed over the silo, the gateway and `redis-server`, each process's own under the scenarios below.");
        }

        Line(md);
        Line(md, haveRedis
            ? "| scenario | metric | system | baseline | system / baseline | system, Redis | Redis / baseline | better |"
            : "| scenario | metric | system | baseline | system / baseline | better |");
        Line(md, haveRedis ? "|---|---|--:|--:|--:|--:|--:|---|" : "|---|---|--:|--:|--:|---|");
        foreach (var row in input.Rows)
        {
            var system = row.System is { } s ? ResultTable.Format(s) : haveSystem ? "–" : "not run";
            var baseline = row.Baseline is { } b ? ResultTable.Format(b) : "–";
            var ratio = Comparison.FormatRatio(row.Ratio, "×", "–");
            var redis = haveRedis
                ? $" {(row.Redis is { } r ? ResultTable.Format(r) : "–")} | {Comparison.FormatRatio(row.RedisRatio, "×", "–")} |"
                : string.Empty;
            Line(md, $"| {row.Scenario} | {row.Metric} ({row.Unit}) | {system} | {baseline} | {ratio} |{redis} {row.Better} |");
        }

        if (input.Targets is { } targets)
        {
            // Hand-written: the project's targets and what bounds the figures that miss them, with
            // the measurements behind each (bench/targets.md); the figures of this run are above.
            Line(md);
            md.Append(targets.Trim()).Append('\n');
        }

        WriteSweep(md, input);
        WriteScenarios(md, input);
        if (input.Machine is { } machine)
        {
            Line(md);
            Line(md, "## Machine");
            Line(md);
            Line(md, "```");
            md.Append(machine.TrimEnd()).Append('\n');
            Line(md, "```");
        }

        if (input.Commands is { } commands)
        {
            Line(md);
            Line(md, "## Commands");
            Line(md);
            Line(md, "Everything above came from one `bench/run.sh`, which ran these:");
            Line(md);
            Line(md, "```sh");
            md.Append(commands.TrimEnd()).Append('\n');
            Line(md, "```");
        }

        WriteMethod(md);
        return md.ToString();
    }

    private static void WriteSweep(StringBuilder md, Input input)
    {
        var system = input.System.GetValueOrDefault("sweep")?.Sweep ?? [];
        var baseline = input.Baseline.GetValueOrDefault("sweep")?.Sweep ?? [];
        if (system.Count == 0 && baseline.Count == 0)
        {
            return;
        }

        Line(md);
        Line(md, "## Latency against message rate");
        Line(md);
        if (input.PlotPath is { } plot)
        {
            Line(md, $"![delivery latency percentiles against message rate]({plot.Replace('\\', '/')})");
            Line(md);
        }

        var redis = input.Redis.GetValueOrDefault("sweep")?.Sweep ?? [];
        var redisHeader = redis.Count > 0 ? " Redis p50 | Redis p99 | Redis lost |" : string.Empty;
        Line(md, $"| msg/s | system p50 | system p99 | system lost | baseline p50 | baseline p99 | baseline lost |{redisHeader}");
        Line(md, "|--:|--:|--:|--:|--:|--:|--:|" + (redis.Count > 0 ? "--:|--:|--:|" : string.Empty));
        foreach (var rate in system.Select(p => p.Rate).Concat(baseline.Select(p => p.Rate)).Concat(redis.Select(p => p.Rate)).Distinct().Order())
        {
            var s = system.FirstOrDefault(p => p.Rate == rate);
            var b = baseline.FirstOrDefault(p => p.Rate == rate);
            var r = redis.FirstOrDefault(p => p.Rate == rate);
            var redisCells = redis.Count > 0 ? $" {Ms(r?.P50)} | {Ms(r?.P99)} | {Count(r?.Lost)} |" : string.Empty;
            Line(md, $"| {ResultTable.Format(rate)} | {Ms(s?.P50)} | {Ms(s?.P99)} | {Count(s?.Lost)} | {Ms(b?.P50)} | {Ms(b?.P99)} | {Count(b?.Lost)} |{redisCells}");
        }

        static string Ms(double? value) => value is { } v ? ResultTable.Format(v) + " ms" : "–";
        static string Count(long? value) => value is { } v ? ResultTable.Format(v) : "–";
    }

    private static void WriteScenarios(StringBuilder md, Input input)
    {
        Line(md);
        Line(md, "## What each scenario did");
        foreach (var scenario in Comparison.ScenarioOrder.Concat(input.Baseline.Keys).Concat(input.System.Keys).Concat(input.Redis.Keys).Distinct(StringComparer.Ordinal))
        {
            var result = input.Baseline.GetValueOrDefault(scenario) ?? input.System.GetValueOrDefault(scenario) ?? input.Redis.GetValueOrDefault(scenario);
            if (result is null)
            {
                continue;
            }

            Line(md);
            Line(md, $"**{scenario}**");
            Line(md);
            foreach (var note in result.Notes)
            {
                Line(md, $"- {note}");
            }

            foreach (var target in new[] { input.System.GetValueOrDefault(scenario), input.Baseline.GetValueOrDefault(scenario), input.Redis.GetValueOrDefault(scenario) })
            {
                if (target is null)
                {
                    continue;
                }

                var perProcess = target.Metrics
                    .Where(m => !m.Headline && !m.Name.Contains('@', StringComparison.Ordinal) && IsPerProcess(m.Name))
                    .Select(m => $"{m.Name} {ResultTable.Format(m.Value)} {m.Unit}")
                    .ToList();
                var detail = perProcess.Count > 0 ? "; " + string.Join(", ", perProcess) : string.Empty;
                Line(md, $"- {target.Target}: {target.ElapsedSeconds:0} s in all{detail}.");
            }
        }
    }

    private static void WriteMethod(StringBuilder md)
    {
        Line(md);
        Line(md, "## How it measures");
        Line(md);
        Line(md, "- Latency is from just before a `send` frame is written to the socket to the moment the `message` frame is read on each receiver, on one monotonic clock (`Stopwatch`) in one process; the send time is kept per message id (`m<number>`). Ack latency ends when the sender reads its `ack`. Percentiles come from an HdrHistogram (1 µs to 2 min, 3 significant digits). Messages sent during the warm-up are delivered and checked but not timed.");
        Line(md, "- Loss is counted per receiver against the messages the server acked into its room: by id (acked ids never received) and by seq (seqs up to the highest acked one never received). Out of order by seq counts frames whose seq was not above the last one seen; out of order by id counts a sender socket's messages arriving after a later one of the same socket. A message of another room reaching a receiver is counted apart (delivered to another room) and left out of its room's counts. After sending stops the bench waits up to 5 s for stragglers.");
        Line(md, "- The server allows 10 sends a second per socket (bursts of 20), so one logical sender is spread over several sockets at 8/s each (9.5/s at most in fanout), all in the same room. Sender sockets are members of the room and receive every message too.");
        Line(md, "- CPU is utime + stime from `/proc/PID/stat` over the measured period, as a percentage of one core (the machine has two); memory is VmRSS from `/proc/PID/status`. For the system the gateway and the silo are added up.");
        Line(md, "- Results move between runs, tails most: the two cores are shared by the bench, the server under test and whatever else runs on the machine (see the load averages under Machine). Compare ratios from one run rather than numbers across runs.");
        Line(md, "- The baseline acks once a message is in memory; the system acks once it is in grain storage. The baseline is what one process that does nothing else can do on this machine: a ceiling, not a competitor.");
    }

    private static bool IsPerProcess(string name) =>
        (name.StartsWith("cpu ", StringComparison.Ordinal) || name.StartsWith("idle cpu ", StringComparison.Ordinal) || name.StartsWith("steady: cpu ", StringComparison.Ordinal)
            || name.EndsWith(" per socket", StringComparison.Ordinal))
        && !name.Contains("servers", StringComparison.Ordinal);

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');

    // When the results were taken, from the files themselves: a report made again later from the same
    // results (for new targets text, say) must not look like a newer measurement.
    private static string MeasuredWhen(Input input)
    {
        var results = input.System.Values.Concat(input.Baseline.Values).Concat(input.Redis.Values).ToList();
        if (results.Count == 0)
        {
            return "(no results)";
        }

        var first = results.Min(r => r.StartedAt).ToUniversalTime();
        var last = results.Max(r => r.StartedAt.AddSeconds(r.ElapsedSeconds)).ToUniversalTime();
        return first.Date == last.Date
            ? $"on {first:yyyy-MM-dd}, {first:HH:mm}–{last:HH:mm} UTC"
            : $"from {first:yyyy-MM-dd HH:mm} to {last:yyyy-MM-dd HH:mm} UTC";
    }

    /// <summary>What the report is made from.</summary>
    internal sealed record Input(
        IReadOnlyDictionary<string, ScenarioResult> System,
        IReadOnlyDictionary<string, ScenarioResult> Baseline,
        IReadOnlyList<ComparisonRow> Rows,
        string? PlotPath,
        string? Machine,
        string? Commands,
        string? Targets)
    {
        /// <summary>The system's results on the Redis profile, by scenario; empty when it was not run.</summary>
        public IReadOnlyDictionary<string, ScenarioResult> Redis { get; init; } = new Dictionary<string, ScenarioResult>();
    }
}
