using System.Globalization;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// <c>idle</c>: CPU and memory of the server processes with no client at all. <c>bench/run.sh</c>
/// runs it twice: as <c>idle</c> right after the servers start, which includes their start-up
/// (tiered JIT recompiling what start-up ran), and as <c>idle-after</c> once every other scenario
/// is done, which is what a running server costs when nobody is chatting.
/// </summary>
internal static class IdleScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var seconds = context.Args.GetDouble("duration", 30);
        context.Args.ThrowIfUnused();

        var watch = context.WatchAll();
        watch.Start();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var cpu = watch.CpuSinceStart();
        var rss = watch.SampleNow().ToDictionary(pair => pair.Key, pair => pair.Value.RssKb / 1024.0);
        var metrics = new List<Metric>();
        foreach (var (process, percent) in cpu)
        {
            metrics.Add(new Metric($"idle cpu {process}", percent, "% of a core", "", false));
        }

        foreach (var (process, mib) in rss)
        {
            metrics.Add(new Metric($"rss {process}", mib, "MiB", "", false));
        }

        if (ServerTotals.Sum(cpu) is { } cpuTotal)
        {
            metrics.Add(new Metric("idle cpu servers", cpuTotal, "% of a core", "lower", true));
        }

        if (ServerTotals.Sum(rss) is { } rssTotal)
        {
            metrics.Add(new Metric("rss servers", rssTotal, "MiB", "lower", true));
        }

        var notes = new List<string> { string.Create(CultureInfo.InvariantCulture, $"No traffic for {seconds} s; CPU from /proc/PID/stat (utime + stime).") };
        if (context.Processes.Count == 0)
        {
            notes.Add("No --pids given: only the bench's own process was watched.");
        }

        return context.Result(metrics, notes);
    }
}
