using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace OrleansChat.Cluster.Tests.Load;

/// <summary>
/// A scenario's load: <see cref="LoadOptions.Clients"/> clients in <see cref="LoadOptions.Rooms"/>
/// rooms, each room's clients spread over both gateways, all sending until stopped. Stopping ends
/// the sends (each client's message in flight still completes), sends one more message per room so
/// that a gateway still missing events fills the gap from history, waits until every client has
/// its room's last message, and checks the log against the stored history.
/// </summary>
internal sealed class LoadRun : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<LoadClient> _clients;
    private readonly IReadOnlyList<Uri> _gateways;
    private readonly LoadOptions _options;
    private List<Task> _running = [];

    private LoadRun(string prefix, IReadOnlyList<Uri> gateways, LoadOptions options)
    {
        (_gateways, _options) = (gateways, options);
        _clients = [.. Enumerable.Range(0, options.Clients).Select(i =>
            new LoadClient($"{prefix}-u{i}", $"{prefix}-r{i % options.Rooms}", gateways, (i / options.Rooms) % gateways.Count, options))];
    }

    /// <summary>The load's clock.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<LoadClient> Clients => _clients;

    /// <summary>Connects every client, joins its room and starts sending.</summary>
    public static async Task<LoadRun> StartAsync(string prefix, IReadOnlyList<Uri> gateways, LoadOptions? options = null)
    {
        var run = new LoadRun(prefix, gateways, options ?? new LoadOptions());
        using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Parallel.ForEachAsync(run._clients, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = connecting.Token },
            async (client, token) => await client.StartAsync(token));
        run._running = [.. run._clients.Select(c => Task.Run(() => c.RunAsync(() => run.Now, run._stop.Token)))];
        return run;
    }

    /// <summary>Waits until every client has had at least <paramref name="count"/> more acks than now: the load is flowing.</summary>
    public async Task WaitForAcksAsync(int count, TimeSpan timeout)
    {
        var target = _clients.Sum(c => c.Acks.Count) + count;
        var deadline = Now + timeout;
        while (_clients.Sum(c => c.Acks.Count) < target)
        {
            if (Now > deadline)
            {
                throw new TimeoutException($"the load did not reach {target} acks in {timeout.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops the load, lets it settle, checks it and returns the figures.</summary>
    public async Task<LoadReport> StopAsync(TimeSpan? faultAt = null)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(_options.GiveUpAfter + TimeSpan.FromSeconds(10));

        // One more message per room, from a client of the room, so a gateway that lost events on their way fills the gap.
        await Task.WhenAll(_clients.GroupBy(c => c.Room).Select(room => room.First().SendUntilAckedAsync($"{room.First().User}-last", () => Now)));
        var latest = _clients.GroupBy(c => c.Room).ToDictionary(g => g.Key, g => g.SelectMany(c => c.Acks).Max(a => a.Seq));
        var deadline = Now + TimeSpan.FromSeconds(30);
        while (_clients.Any(c => c.LastSeq < latest[c.Room]) && Now < deadline)
        {
            await Task.Delay(100);
        }

        var histories = new Dictionary<string, JsonElement>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var room in latest.Keys)
        {
            histories[room] = await HistoryAsync(http, room);
        }

        var problems = HistoryChecker.Check(_clients, histories);
        await Task.WhenAll(_clients.Select(c => c.StopAsync()));
        return new LoadReport(
            _clients.Count,
            latest.Count,
            _clients.Sum(c => c.Acks.Count),
            _clients.Sum(c => c.Unavailable),
            _clients.Max(c => c.Unavailable),
            _clients.Max(c => c.LongestAckWait),
            _clients.Sum(c => c.Reconnects),
            _clients.Sum(c => c.Recovered),
            faultAt is { } at ? SlowestRecovery(at) : null,
            problems);
    }

    public void Dispose() => _stop.Dispose();

    // Per room, the first ack of a send started after the fault; the slowest room's time from the fault.
    private TimeSpan SlowestRecovery(TimeSpan faultAt) =>
        _clients.GroupBy(c => c.Room)
            .Select(room => room.SelectMany(c => c.Acks).Where(a => a.SentAt >= faultAt).Select(a => a.AckedAt - faultAt).DefaultIfEmpty(TimeSpan.MaxValue).Min())
            .Max();

    private async Task<JsonElement> HistoryAsync(HttpClient http, string room)
    {
        var deadline = Now + TimeSpan.FromSeconds(30);
        for (var attempt = 0; ; attempt++)
        {
            var gateway = _gateways[attempt % _gateways.Count];
            try
            {
                using var response = await http.GetAsync(new Uri(gateway, $"/api/rooms/{room}/messages?since=0&limit=1000"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                }
            }
            catch (HttpRequestException) when (Now < deadline)
            {
            }
            catch (TaskCanceledException) when (Now < deadline)
            {
            }

            if (Now > deadline)
            {
                throw new TimeoutException($"no gateway returned the history of {room}");
            }

            await Task.Delay(200);
        }
    }
}
