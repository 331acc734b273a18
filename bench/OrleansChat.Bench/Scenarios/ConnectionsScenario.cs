using System.Diagnostics;
using System.Globalization;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// <c>connections</c>: many idle sockets, each joined to one of many rooms. Reports how long
/// connecting took, the servers' resident memory per socket (VmRSS before and after), and the
/// CPU the servers burn while the sockets sit idle.
/// </summary>
internal static class ConnectionsScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var count = context.Args.GetInt("connections", context.Scaled(10_000));
        var roomCount = context.Args.GetInt("rooms", context.Scaled(1_000));
        var idleSeconds = context.Args.GetDouble("duration", 30);
        var settleSeconds = context.Args.GetDouble("settle", 2);
        context.Args.ThrowIfUnused();

        var watch = context.WatchAll();
        var before = watch.SampleNow();
        await using var pool = new ClientPool(context);
        var rooms = Enumerable.Range(0, roomCount).Select(i => context.Room("conn", i, i)).ToList();
        var started = Stopwatch.GetTimestamp();
        var clients = await pool.ConnectAsync("c", count, i => rooms[i % roomCount], receivers: false, senders: false);
        var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (clients.Count == 0)
        {
            throw new InvalidOperationException($"No client could connect and join: {string.Join("; ", pool.FirstFailures)}");
        }

        await Task.Delay(TimeSpan.FromSeconds(settleSeconds));
        var after = watch.SampleNow();
        var connect = pool.ConnectLatency.Summarize();
        var join = pool.JoinLatency.Summarize();
        var metrics = new List<Metric>
        {
            new("sockets connected and joined", clients.Count, "count", "higher", true),
            new("failed", pool.FailureCount, "count", "lower", true),
            new("time to connect all", connectSeconds, "s", "lower", true),
            new("connects per second", clients.Count / connectSeconds, "1/s", "higher", false),
            new("connect p50", connect.P50, "ms", "lower", false),
            new("connect p99", connect.P99, "ms", "lower", true),
            new("connect max", connect.Max, "ms", "lower", false),
            new("join p50", join.P50, "ms", "lower", false),
            new("join p99", join.P99, "ms", "lower", true),
        };

        var rssAfter = new Dictionary<string, double>();
        var rssPerSocket = new Dictionary<string, double>();
        foreach (var process in watch.Processes)
        {
            if (before.TryGetValue(process.Name, out var b) && after.TryGetValue(process.Name, out var a))
            {
                rssAfter[process.Name] = a.RssKb / 1024.0;
                rssPerSocket[process.Name] = (a.RssKb - b.RssKb) / (double)clients.Count;
                metrics.Add(new Metric($"rss {process.Name} before", b.RssKb / 1024.0, "MiB", "", false));
                metrics.Add(new Metric($"rss {process.Name} after", a.RssKb / 1024.0, "MiB", "", false));
                metrics.Add(new Metric($"rss {process.Name} per socket", (a.RssKb - b.RssKb) / (double)clients.Count, "KiB", "", false));
            }
        }

        AddServerTotal(metrics, "rss servers after", rssAfter, "MiB");
        AddServerTotal(metrics, "rss servers per socket", rssPerSocket, "KiB");

        watch.Start();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var cpu = watch.CpuSinceStart();
        foreach (var (process, percent) in cpu)
        {
            metrics.Add(new Metric($"idle cpu {process}", percent, "% of a core", "", false));
        }

        AddServerTotal(metrics, "idle cpu servers", cpu, "% of a core");
        var dropped = clients.Count(c => c.Dropped);
        metrics.Add(new Metric("dropped while idle", dropped, "count", "lower", true));
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{count} sockets joined round-robin to {roomCount} rooms, {context.ConnectConcurrency} connecting at a time; memory read {settleSeconds} s after the last join; CPU over {idleSeconds} s of idleness (server pings included)."),
        };
        if (context.Processes.Count == 0)
        {
            notes.Add("No --pids given: server memory and CPU were not measured.");
        }

        if (pool.FailureCount > 0)
        {
            notes.Add($"{pool.FailureCount} sockets failed to connect or join: {string.Join("; ", pool.FirstFailures)}");
        }

        var closing = Stopwatch.GetTimestamp();
        await pool.CloseAllAsync();
        metrics.Add(new Metric("time to close all", Stopwatch.GetElapsedTime(closing).TotalSeconds, "s", "lower", false));
        return context.Result(metrics, notes);
    }

    private static void AddServerTotal(List<Metric> metrics, string name, IReadOnlyDictionary<string, double> byProcess, string unit)
    {
        if (ServerTotals.Sum(byProcess) is { } total)
        {
            metrics.Add(new Metric(name, total, unit, "lower", true));
        }
    }
}
