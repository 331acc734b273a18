using System.Text.Json;
using OrleansChat.Cluster.Tests.Infrastructure;
using OrleansChat.Cluster.Tests.Load;
using Xunit.Abstractions;

namespace OrleansChat.Cluster.Tests;

/// <summary>
/// Faults on the local cluster of deploy/local/cluster.sh (Redis, three silos, two gateways as
/// processes) under load: 100 clients in 20 rooms over both gateways, each sending 2.5 messages a
/// second and retrying with the same id; each scenario ends with <see cref="HistoryChecker"/> and
/// prints its figures.
/// </summary>
public sealed class FaultTests(ClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private LocalCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Kill_9_of_one_of_three_silos_loses_nothing_and_every_room_takes_sends_again_within_10_s()
    {
        using var load = await LoadRun.StartAsync("kill-silo", Cluster.Gateways);
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));

        var faultAt = load.Now;
        await Cluster.RunAsync("kill", "silo2");
        await load.WaitForAcksAsync(500, TimeSpan.FromSeconds(60));
        var report = await load.StopAsync(faultAt);
        Print("kill -9 silo2", report);
        await Cluster.StartAsync("silo2");

        Assert.Empty(report.Problems);
        Assert.True(report.SlowestRoomRecovery <= TimeSpan.FromSeconds(10), $"a room took {report.SlowestRoomRecovery} to take sends again");
    }

    [Fact]
    public async Task Kill_9_of_a_gateway_moves_its_clients_to_the_other_which_recover_and_its_names_leave_every_room_within_45_s()
    {
        using var load = await LoadRun.StartAsync("kill-gateway", Cluster.Gateways);
        // One client per room on gateway1 that does not come back: its name must leave the room once gateway1's lease ends.
        var stayAway = Enumerable.Range(0, 20).Select(i => new LoadClient($"kill-gateway-gone{i}", $"kill-gateway-r{i}", Cluster.Gateways, 0, new LoadOptions())).ToList();
        await Task.WhenAll(stayAway.Select(c => c.StartAsync(CancellationToken.None)));
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));

        var faultAt = load.Now;
        await Cluster.RunAsync("kill", "gateway1");
        var namesLeft = await WaitForNamesToLeaveAsync(stayAway, TimeSpan.FromSeconds(60));
        var namesGoneAfter = load.Now - faultAt;
        var report = await load.StopAsync(faultAt);
        Print("kill -9 gateway1", report);
        var names = $"kill -9 gateway1: the dead gateway's names left every room {namesGoneAfter.TotalSeconds:0.0} s after the kill";
        output.WriteLine(names);
        File.AppendAllText(ClusterFixture.FiguresFile, names + "\n");
        await Cluster.StartAsync("gateway1");

        Assert.Empty(report.Problems);
        Assert.True(namesLeft, "names of gateway1's clients were still present 60 s after the kill");
        Assert.True(namesGoneAfter <= TimeSpan.FromSeconds(45), $"the dead gateway's names left after {namesGoneAfter}");
        // Every client of gateway1 (half of them) reconnected to gateway2 and recovered.
        Assert.True(report.Reconnects >= 50, $"only {report.Reconnects} reconnects");
        Assert.Equal(report.Reconnects, report.Recovered);
    }

    [Fact]
    public async Task A_rolling_restart_of_the_silos_loses_nothing_and_keeps_acks_within_5_s()
    {
        using var load = await LoadRun.StartAsync("rolling", Cluster.Gateways);
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));

        foreach (var silo in new[] { "silo1", "silo2", "silo3" })
        {
            // SIGTERM, wait for it to end, start it, wait until it runs; then the next.
            await Cluster.RestartAsync(silo);
            await load.WaitForAcksAsync(100, TimeSpan.FromSeconds(60));
        }

        var report = await load.StopAsync();
        Print("rolling restart silo1..silo3", report);

        Assert.Empty(report.Problems);
        Assert.True(report.MostUnavailableForOneClient <= 3, $"a client saw unavailable {report.MostUnavailableForOneClient} times");
        Assert.True(report.LongestAckWait <= TimeSpan.FromSeconds(5), $"a client waited {report.LongestAckWait} for an ack");
    }

    [Fact]
    public async Task A_silo_paused_for_30_s_is_declared_dead_ends_itself_when_it_resumes_and_nothing_is_lost()
    {
        using var load = await LoadRun.StartAsync("pause", Cluster.Gateways);
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));

        var faultAt = load.Now;
        await Cluster.RunAsync("stop", "silo3");
        // The fault itself lasts 30 s; the load goes on meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(30));
        await Cluster.RunAsync("cont", "silo3");

        // Declared dead while paused, it reads its own death from the membership table and ends its process
        // (Orleans MembershipTableManager: KillMyselfLocally), so it never answers from its stale activations.
        var ended = await WaitUntilAsync(async () => await Cluster.StateOfAsync("silo3") == "down", TimeSpan.FromSeconds(30));
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));
        var report = await load.StopAsync(faultAt);
        Print("SIGSTOP silo3 for 30 s", report);
        await Cluster.StartAsync("silo3");

        Assert.True(ended, "silo3 still runs 30 s after SIGCONT");
        Assert.Empty(report.Problems);
    }

    [Fact]
    public async Task A_Redis_restart_loses_nothing_acknowledged_and_sends_resume_within_10_s()
    {
        using var load = await LoadRun.StartAsync("redis-restart", Cluster.Gateways);
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));

        await Cluster.RestartAsync("redis");
        var backAt = load.Now;
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));
        var report = await load.StopAsync(backAt);
        Print("Redis restart (SIGTERM, start)", report);

        Assert.Empty(report.Problems);
        Assert.True(report.SlowestRoomRecovery <= TimeSpan.FromSeconds(10), $"a room took {report.SlowestRoomRecovery} after Redis was back");
    }

    [Fact]
    public async Task A_kill_9_of_Redis_under_appendfsync_always_loses_nothing_acknowledged()
    {
        using var load = await LoadRun.StartAsync("redis-kill", Cluster.Gateways);
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));

        await Cluster.RunAsync("kill", "redis");
        await Cluster.StartAsync("redis");
        var backAt = load.Now;
        await load.WaitForAcksAsync(200, TimeSpan.FromSeconds(60));
        var report = await load.StopAsync(backAt);
        Print("kill -9 Redis (appendfsync always)", report);

        Assert.Empty(report.Problems);
    }

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(250);
        }

        return true;
    }

    private async Task<bool> WaitForNamesToLeaveAsync(IReadOnlyList<LoadClient> gone, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var present = 0;
            foreach (var client in gone)
            {
                try
                {
                    var members = JsonDocument.Parse(await http.GetStringAsync(new Uri(Cluster.Gateways[1], $"/api/rooms/{client.Room}/members"))).RootElement;
                    present += members.GetProperty("members").EnumerateArray().Count(m => m.GetString() == client.User);
                }
                catch (HttpRequestException)
                {
                    present++;
                }
            }

            if (present == 0)
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    private void Print(string scenario, LoadReport report)
    {
        output.WriteLine($"{scenario}: {report}");
        File.AppendAllText(ClusterFixture.FiguresFile, $"{scenario}: {report}\n");
        foreach (var problem in report.Problems.Take(20))
        {
            output.WriteLine("  " + problem);
        }

        if (report.Problems.Count > 0)
        {
            output.WriteLine(Cluster.Logs());
        }
    }
}
