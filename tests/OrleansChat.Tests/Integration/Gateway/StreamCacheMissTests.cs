using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// A room's subscription outlives the silo's stream cache: the pulling agent purges a quiet room's
/// last event, and then forgets the room, while other rooms in the same queue stay busy (Orleans'
/// <c>PooledQueueCache</c> with <c>StreamCacheEvictionOptions</c>; at its defaults, after about 45
/// minutes of quiet). The room's next messages must still reach its sockets, in order.
/// </summary>
public sealed class StreamCacheMissTests(ShortStreamCacheFixture silo) : IClassFixture<ShortStreamCacheFixture>, IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(silo.Cluster);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task AQuietRoomWhosePositionTheCacheForgotStillGetsItsNextMessages()
    {
        // Orleans' own count of events this silo's stream caches purged, an observable counter read
        // on demand. Every silo meters through its own Meter (OrleansInstruments, made by the host's
        // IMeterFactory), and the other tests' silos may purge too.
        var siloMeter = silo.Services.GetRequiredService<OrleansInstruments>().Meter;
        long purged = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == siloMeter && instrument.Name == "orleans-streams-queue-cache-messages-purged")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref purged, value));
        listener.Start();

        var (quiet, busy) = (Rooms.New(), Rooms.New());
        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        await alice.JoinAsync(quiet);
        await alice.JoinAsync(busy);
        await alice.PostAsync(quiet, "q-1", "before the quiet");
        await alice.WaitForAsync(f => f.IsMessageIn(quiet) && f.Num("seq") == 1);

        // The busy room's events push the quiet room's one event out of the cache, and keep the
        // cache purging until it has also forgotten the quiet room: both take the windows' time
        // to pass with newer events arriving, so the busy room posts for longer than both.
        var busyGrain = silo.Client.GetGrain<IChatRoomGrain>(busy);
        var until = DateTime.UtcNow + ShortStreamCacheSilos.EventWindow + ShortStreamCacheSilos.MetadataWindow + TimeSpan.FromSeconds(1);
        var posted = 0;
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (DateTime.UtcNow < until && await pace.WaitForNextTickAsync())
        {
            posted++;
            await busyGrain.PostAsync(new PostRequest("bob", $"b-{posted}", $"busy {posted}"));
        }

        await alice.WaitForCountAsync(f => f.IsMessageIn(busy), posted);
        listener.RecordObservableInstruments();
        Assert.True(Interlocked.Read(ref purged) > 0, "the stream cache purged nothing: the test did not reach its case");

        // Each message on its own: a lost one must not be found later by the gap the next one shows.
        await alice.PostAsync(quiet, "q-2", "after the quiet");
        await alice.WaitForAsync(f => f.IsMessageIn(quiet) && f.Num("seq") == 2);
        await alice.PostAsync(quiet, "q-3", "and one more");
        await alice.WaitForAsync(f => f.IsMessageIn(quiet) && f.Num("seq") == 3);

        Assert.Equal([1L, 2L, 3L], alice.Frames.Where(f => f.IsMessageIn(quiet)).Select(f => f.Num("seq")));
    }
}
