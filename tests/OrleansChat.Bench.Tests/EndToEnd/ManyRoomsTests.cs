using OrleansChat.Bench.Tests.Infrastructure;

namespace OrleansChat.Bench.Tests.EndToEnd;

/// <summary><c>manyrooms</c>: the rooms scenario with a busy service's shape (rooms of 10, 2 messages a second each) by default.</summary>
public sealed class ManyRoomsTests
{
    [Fact]
    public async Task ItsDefaultsAreRoomsOfTenClientsEachSendingTwiceASecond()
    {
        await using var server = await BaselineServer.StartAsync();

        // --scale 0.02 leaves 2 of the 100 rooms; every client sends 2/s for 2 s: 4 each, 40 into each room.
        var (result, output) = await ScenarioRun.RunAsync("manyrooms", server.Address, "--scale", "0.02", "--warmup", "0.5", "--duration", "1.5", "--drain", "1");

        Assert.Equal("manyrooms", result.Scenario);
        Assert.Equal(20, result.Metric("clients"));
        const int perRoom = 40;
        Assert.Equal((2.0 * perRoom, 2.0 * perRoom, 2.0 * perRoom * 10), (result.Metric("sent"), result.Metric("acked"), result.Metric("expected deliveries")));
        Assert.Contains("2 rooms × 10 clients, each client sending 2/s and receiving its room's messages (its own included); 0.5 s warm-up, 1.5 s measured.", result.Notes);
        result.AssertNone(output, "lost by id", "lost by seq", "out of order by seq", "duplicates by id");
    }
}
