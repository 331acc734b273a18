using System.Diagnostics;
using System.Globalization;
using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Measure;
using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// <c>failover</c>: on a cluster of several silos (deploy/local/cluster.sh), kills one silo with
/// SIGKILL at a time while every room of a fresh set is taking sends, and measures the time from
/// the kill to every room acknowledging a message sent after it; then starts the silo again and
/// waits until it has joined before the next round. Each round takes new rooms, so that Orleans
/// places them over all the silos and the killed one holds its share.
/// </summary>
internal static class FailoverScenario
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context)
    {
        var roomCount = context.Args.GetInt("rooms", context.Scaled(30));
        var kills = context.Args.GetInt("kills", 5);
        var silos = ParseSilos(context.Args.GetString("silos"));
        var kill = context.Args.GetString("kill") ?? throw new ArgumentException("--kill COMMAND is required: a shell command that kills the silo named {name} with SIGKILL.");
        var start = context.Args.GetString("start") ?? throw new ArgumentException("--start COMMAND is required: a shell command that starts the silo named {name} again.");
        var interval = TimeSpan.FromMilliseconds(context.Args.GetDouble("interval", 150));
        var giveUp = TimeSpan.FromSeconds(context.Args.GetDouble("give-up", 30));
        context.Args.ThrowIfUnused();

        var recoveries = new List<double>();
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{kills} rounds; in each, {roomCount} new rooms with one client each, sending one message at a time ({interval.TotalMilliseconds:0} ms after each ack, the same id again on `unavailable`); then kill -9 of one silo ({string.Join(", ", silos.Select(s => s.Name))} in turn), timed to every room acknowledging a message sent after the kill; then the silo started again and waited for until it has joined."),
        };
        var (unavailable, unanswered, acked, delayedRooms) = (0, 0, 0, new List<double>());
        var otherErrors = new List<string>();
        for (var round = 0; round < kills; round++)
        {
            var (name, health) = silos[round % silos.Count];
            foreach (var silo in silos)
            {
                await WaitReadyAsync(silo.Health);
            }

            await using var pool = new ClientPool(context);
            var rooms = Enumerable.Range(0, roomCount).Select(i => context.Room("failover", i, (round * roomCount) + i)).ToList();
            var clients = await pool.ConnectAsync($"f{round}-", roomCount, i => rooms[i], receivers: false, senders: true);
            if (clients.Count < roomCount)
            {
                throw new InvalidOperationException($"Only {clients.Count} of {roomCount} clients could connect and join: {string.Join("; ", pool.FirstFailures)}");
            }

            var probes = clients.Select(c => new FailoverProbe(c, context.Text, interval, giveUp)).ToList();
            var running = probes.Select(p => Task.Run(p.RunAsync)).ToList();
            await WaitUntilAsync(() => probes.All(p => p.AckCount >= 2), giveUp, "every room taking sends before the kill");

            var killedAt = Stopwatch.GetTimestamp();
            await RunAsync(kill.Replace("{name}", name, StringComparison.Ordinal));
            await WaitUntilAsync(() => probes.All(p => p.FirstAckOfASendFrom(killedAt) is not null), giveUp, $"every room taking sends after the kill of {name}");
            var perRoom = probes.Select(p => FailoverProbe.Seconds(killedAt, p.FirstAckOfASendFrom(killedAt)!.Value)).ToList();
            recoveries.Add(perRoom.Max());
            delayedRooms.Add(perRoom.Count(s => s > 0.5));

            foreach (var probe in probes)
            {
                probe.Stop();
            }

            await Task.WhenAll(running);
            unavailable += probes.Sum(p => p.Unavailable);
            unanswered += probes.Sum(p => p.Unanswered);
            acked += probes.Sum(p => p.AckCount);
            otherErrors.AddRange(probes.SelectMany(p => p.OtherErrors));
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: kill -9 {name}; every room taking sends {recoveries[^1]:0.00} s after; {delayedRooms[^1]} of {roomCount} rooms waited more than 0.5 s (those the silo held); {probes.Sum(p => p.Unavailable)} `unavailable` answers."));

            await RunAsync(start.Replace("{name}", name, StringComparison.Ordinal));
            await WaitReadyAsync(health);
        }

        if (otherErrors.Count > 0)
        {
            notes.Add($"other errors: {string.Join("; ", otherErrors.Take(5))}");
        }

        var metrics = new List<Metric>
        {
            new("kills", kills, "count", "", true),
            new("every room taking sends after a kill, median", Statistics.Median(recoveries), "s", "lower", true),
            new("every room taking sends after a kill, worst", recoveries.Max(), "s", "lower", true),
            new("rooms held by the killed silo, median", Statistics.Median(delayedRooms), "rooms", "", false),
            new("acked sends", acked, "count", "higher", false),
            new("unavailable answers", unavailable, "count", "lower", true),
            new("sends never answered", unanswered, "count", "lower", true),
            new("other errors", otherErrors.Count, "count", "lower", true),
        };
        return context.Result(metrics, notes);
    }

    // NAME=HEALTH-URL,...: the names the kill and start commands take and each silo's /health/ready.
    private static List<(string Name, Uri Health)> ParseSilos(string? text)
    {
        var silos = (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => item.Split('=', 2))
            .Select(parts => parts.Length == 2 && Uri.TryCreate(parts[1], UriKind.Absolute, out var url)
                ? (parts[0], url)
                : throw new ArgumentException($"--silos takes NAME=HEALTH-URL items, not '{string.Join('=', parts)}'."))
            .ToList();
        return silos.Count >= 2
            ? silos
            : throw new ArgumentException("--silos needs at least two silos (NAME=HEALTH-URL,...): with one, nothing is left to take the rooms.");
    }

    private static async Task RunAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"Could not run: {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static async Task WaitReadyAsync(Uri health)
    {
        var (ready, last) = await WaitCommand.UntilReadyAsync(health, ReadyTimeout);
        if (!ready)
        {
            throw new InvalidOperationException($"{health} did not answer 200 within {ReadyTimeout.TotalSeconds:0} s ({last}).");
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
