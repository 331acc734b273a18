using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansChat.Grains.Storage;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Silo;

/// <summary>The silo's memory storage (<see cref="ChatMemoryGrainStorage"/>): ETag rules, and no copy of what it stores.</summary>
public sealed class MemoryStorageTests(OneSiloFixture silo) : IClassFixture<OneSiloFixture>
{
    // The memory storage under the test silos' faulty room storage wrapper (TestSilos).
    private IGrainStorage Storage => silo.Services.GetRequiredKeyedService<IGrainStorage>("chat-inner");

    private static GrainId NewGrainId() => GrainId.Create("test-state", Guid.NewGuid().ToString("N"));

    private async Task<GrainState<RoomHead>> ReadHeadAsync(GrainId id)
    {
        var read = new GrainState<RoomHead>();
        await Storage.ReadStateAsync("head", id, read);
        return read;
    }

    // A new grain's head, written once; its id and the ETag that write got.
    private async Task<(GrainId Id, string ETag)> StoredHeadAsync(string epoch, long lastChunk)
    {
        var id = NewGrainId();
        var state = Head(epoch, lastChunk);
        await Storage.WriteStateAsync("head", id, state);
        return (id, state.ETag!);
    }

    // How many states the store grains hold, across every storage of the silo that shares them.
    private async Task<int> StoredStatesAsync()
    {
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var counts = await Task.WhenAll(Enumerable.Range(0, ChatMemoryGrainStorage.StoreGrains)
            .Select(index => grains.GetGrain<IMemoryStoreGrain>(index).CountAsync()));
        return counts.Sum();
    }

    private static GrainState<RoomHead> Head(string epoch, long lastChunk, string? etag = null) =>
        new(new RoomHead { Epoch = epoch, LastChunk = lastChunk }, etag);

    [Fact]
    public async Task AChunkIsStoredAsTheBytesItWasWrittenWith()
    {
        var chunk = new ChunkBuffer(silo.Services.GetRequiredService<Serializer<ChatMessage>>());
        chunk.Append(new ChatMessage(1, "m-1", "alice", "hello", DateTimeOffset.UnixEpoch));
        var record = chunk.ToRecord();
        var id = NewGrainId();

        await Storage.WriteStateAsync("chunk", id, new GrainState<RoomChunk>(record));

        var stored = await silo.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IMemoryStoreGrain>(ChatMemoryGrainStorage.StoreIndex(id))
            .ReadAsync("chunk", id);
        Assert.True(MemoryMarshal.TryGetArray(record.Data, out var written));
        Assert.True(MemoryMarshal.TryGetArray(stored!.Data, out var kept));
        Assert.Same(written.Array, kept.Array);
        Assert.Equal(written.Count, kept.Count);
    }

    [Fact]
    public async Task AWrittenStateReadsBackWithItsETag()
    {
        var id = NewGrainId();
        var written = Head("e-1", 3);

        await Storage.WriteStateAsync("head", id, written);
        var read = await ReadHeadAsync(id);

        Assert.True(read.RecordExists);
        Assert.Equal(("e-1", 3L), (read.State!.Epoch, read.State.LastChunk));
        Assert.Equal(written.ETag, read.ETag);
        Assert.NotNull(read.ETag);
    }

    [Fact]
    public async Task AWriteWithAStaleETagIsRefusedAndLosesNothing()
    {
        var (id, staleETag) = await StoredHeadAsync("e-1", 1);
        await Storage.WriteStateAsync("head", id, Head("e-1", 2, staleETag));

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("head", id, Head("e-2", 9, staleETag)));

        var read = await ReadHeadAsync(id);
        Assert.Equal(("e-1", 2L), (read.State!.Epoch, read.State.LastChunk));
    }

    [Fact]
    public async Task AWriteThatExpectsNothingIsRefusedOnceAStateExistsUnlessItPassesAStar()
    {
        var (id, _) = await StoredHeadAsync("e-1", 1);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("head", id, Head("e-2", 1)));
        await Storage.WriteStateAsync("head", id, Head("e-3", 1, "*"));

        var read = await ReadHeadAsync(id);
        Assert.Equal("e-3", read.State!.Epoch);
    }

    [Fact]
    public async Task AClearedStateReadsAsNoneAndTakesANewFirstWrite()
    {
        var (id, writtenETag) = await StoredHeadAsync("e-1", 1);
        var state = Head("e-1", 1, writtenETag);

        await Storage.ClearStateAsync("head", id, state);
        var read = await ReadHeadAsync(id);

        Assert.False(state.RecordExists);
        Assert.Equal(new RoomHead().LastChunk, state.State!.LastChunk);
        Assert.False(read.RecordExists);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("head", id, Head("e-2", 1, writtenETag)));
        await Storage.WriteStateAsync("head", id, Head("e-2", 1));
    }

    [Fact]
    public async Task AStateItDoesNotHoldTakesAWriteThatExpectsALostStoresETagButNotADeletedOnesOwn()
    {
        // Orleans' rule for a store lost with its silo: a state it has no entry for accepts any write.
        // A state deleted here has no entry either, yet still refuses the ETag it had before the delete.
        var lost = NewGrainId();
        await Storage.WriteStateAsync("head", lost, Head("e-1", 1, Guid.NewGuid().ToString("N")));
        Assert.Equal("e-1", (await ReadHeadAsync(lost)).State!.Epoch);

        var (deleted, writtenETag) = await StoredHeadAsync("e-1", 1);
        await Storage.ClearStateAsync("head", deleted, Head("e-1", 1, writtenETag));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync("head", deleted, Head("e-1", 1, writtenETag)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("head", deleted, Head("e-2", 1, writtenETag)));
        Assert.False((await ReadHeadAsync(deleted)).RecordExists);
    }

    [Fact]
    public async Task TheStoreStaysTheSameSizeWhileARoomPostsFarPastItsWindow()
    {
        var room = silo.Client.GetGrain<IChatRoomGrain>(Rooms.New());
        var before = await StoredStatesAsync();
        var sizes = new List<int>();
        for (var i = 1; i <= 6 * TestSilos.HistoryWindow; i++)
        {
            Assert.Equal(PostStatus.Stored, (await room.PostAsync(new PostRequest("alice", $"m-{i}", $"text {i}"))).Status);
            if (i % TestSilos.HistoryWindow == 0)
            {
                sizes.Add(await StoredStatesAsync() - before);
            }
        }

        // The room holds its head and the chunks its window spans, one more while the newest post's
        // prune is on its way, and its stream may hold a pub-sub state: that many keys however many
        // messages were posted. A cleared chunk that left a key behind would add a key every ChunkSize posts.
        var windowChunks = (TestSilos.HistoryWindow - 1) / TestSilos.ChunkSize + 2;
        Assert.All(sizes, size => Assert.InRange(size, 1, 1 + windowChunks + 1 + 1));
        Assert.InRange(sizes.Max() - sizes.Min(), 0, 2);
    }

    [Fact]
    public void AGrainsStatesHaveOneStoreGrainWhicheverSiloAsks()
    {
        // The index is fixed by the grain id's bytes, so it is known before any process runs and every
        // silo finds the same store grain. A string's GetHashCode (what Orleans' memory storage hashes)
        // is seeded per process, so an index built on it would not stay 7 from one test run to the next.
        Assert.Equal(7, ChatMemoryGrainStorage.StoreIndex(GrainId.Create("chat-room", "lobby")));
    }
}
