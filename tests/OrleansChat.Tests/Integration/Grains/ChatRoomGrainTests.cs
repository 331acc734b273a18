using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Grains;

[Collection(ClusterCollection.Name)]
public sealed class ChatRoomGrainTests(ClusterFixture fixture)
{
    private IChatRoomGrain Room(string name) => fixture.Client.GetGrain<IChatRoomGrain>(name);

    [Fact]
    public async Task SeqsAreContiguousFromOneUnderConcurrentPosters()
    {
        var room = Room(Rooms.New());
        var posts = Enumerable.Range(0, 5).SelectMany(poster => Enumerable.Range(0, 15)
            .Select(i => room.PostAsync(new PostRequest($"user{poster}", $"m-{i}", $"hello {i}"))));

        var results = await Task.WhenAll(posts);

        Assert.All(results, r => Assert.Equal(PostStatus.Stored, r.Status));
        Assert.Equal(Enumerable.Range(1, 75).Select(i => (long)i), results.Select(r => r.Seq).Order());
        var history = await room.GetHistoryAsync(0, 1000);
        Assert.Equal(Enumerable.Range(1, 75).Select(i => (long)i), history.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task OnlyTheGatewayThatStopsRenewingLosesItsNames()
    {
        // The test silos' lease is 2 s. The room's timer is due at the first lease end and moves on
        // to the next one each time it fires, so the living gateway is checked again and again.
        var room = Room(Rooms.New());
        await room.EnterAsync("alice", "gw-alive");
        await room.EnterAsync("bob", "gw-dead");
        using var renewing = new PeriodicTimer(TimeSpan.FromMilliseconds(400));
        var started = DateTime.UtcNow;
        var bobLeftAfter = TimeSpan.Zero;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(7))
        {
            await renewing.WaitForNextTickAsync();
            await room.RenewAsync("gw-alive", ["alice"]);
            var members = await room.GetMembersAsync();
            Assert.Contains("alice", members);
            if (bobLeftAfter == TimeSpan.Zero && !members.Contains("bob"))
            {
                bobLeftAfter = DateTime.UtcNow - started;
            }
        }

        Assert.NotEqual(TimeSpan.Zero, bobLeftAfter);
        Assert.True(bobLeftAfter >= TimeSpan.FromSeconds(1.5), $"bob left after {bobLeftAfter}, before his 2 s lease ran out");
        Assert.Equal(["alice"], await room.GetMembersAsync());
    }

    [Fact]
    public async Task HistoryIsReadBySinceAndLimit()
    {
        var room = Room(Rooms.New());
        for (var i = 1; i <= 20; i++)
        {
            await room.PostAsync(new PostRequest("alice", $"m-{i}", $"text {i}"));
        }

        var page = await room.GetHistoryAsync(5, 4);
        Assert.Equal([6L, 7L, 8L, 9L], page.Messages.Select(m => m.Seq));
        Assert.Equal(["text 6", "text 7", "text 8", "text 9"], page.Messages.Select(m => m.Text));
        Assert.Equal(20, page.LatestSeq);

        var recent = await room.GetRecentAsync(3);
        Assert.Equal([18L, 19L, 20L], recent.Messages.Select(m => m.Seq));
        Assert.Empty((await room.GetHistoryAsync(20, 10)).Messages);
    }

    [Fact]
    public async Task HistoryKeepsOnlyTheNewestWindowAndSurvivesReactivation()
    {
        var name = Rooms.New();
        var room = Room(name);
        var total = TestSilos.HistoryWindow + 30;
        for (var i = 1; i <= total; i++)
        {
            await room.PostAsync(new PostRequest("alice", $"m-{i}", $"text {i}"));
        }

        var before = await room.GetHistoryAsync(0, 1000);
        Assert.Equal(Enumerable.Range(31, TestSilos.HistoryWindow).Select(i => (long)i), before.Messages.Select(m => m.Seq));
        Assert.Equal(31, before.OldestSeq);

        await DeactivateAllAsync();

        var after = await room.GetHistoryAsync(0, 1000);
        Assert.Equal(before.Messages, after.Messages);
        Assert.Equal(before.Epoch, after.Epoch);
        var next = await room.PostAsync(new PostRequest("alice", "m-next", "after reactivation"));
        Assert.Equal(total + 1, next.Seq);
    }

    [Fact]
    public async Task BytesWrittenPerMessageDoNotGrowWithTheWindow()
    {
        var name = Rooms.New();
        var room = Room(name);
        for (var i = 1; i <= TestSilos.HistoryWindow * 2; i++)
        {
            await room.PostAsync(new PostRequest("alice", $"m-{i}", "x"));
        }

        var sizes = FaultyGrainStorage.ChunkWriteSizes(name);
        Assert.Equal(TestSilos.HistoryWindow * 2, sizes.Count);
        Assert.True(sizes.Max() <= TestSilos.ChunkSize, $"a write carried {sizes.Max()} messages");
    }

    [Fact]
    public async Task RepeatedPostGetsTheOriginalSeqAndIsNotStoredTwice()
    {
        var room = Room(Rooms.New());
        var first = await room.PostAsync(new PostRequest("alice", "m-1", "hi"));
        await room.PostAsync(new PostRequest("bob", "m-1", "same id, other user"));
        var again = await room.PostAsync(new PostRequest("alice", "m-1", "hi"));

        Assert.Equal(PostStatus.Stored, first.Status);
        Assert.Equal(PostStatus.Duplicate, again.Status);
        Assert.Equal(first.Seq, again.Seq);
        Assert.Equal(2, (await room.GetHistoryAsync(0, 100)).Messages.Count);
    }

    [Fact]
    public async Task InvalidPostsAreRejectedAndNothingIsStored()
    {
        var room = Room(Rooms.New());
        Assert.Equal(PostStatus.Invalid, (await room.PostAsync(new PostRequest("alice", "m-1", "   "))).Status);
        Assert.Equal(PostStatus.Invalid, (await room.PostAsync(new PostRequest("alice", "", "hi"))).Status);
        Assert.Equal(PostStatus.Invalid, (await room.PostAsync(new PostRequest("<alice>", "m-2", "hi"))).Status);
        Assert.Equal(PostStatus.TooLong, (await room.PostAsync(new PostRequest("alice", "m-3", new string('a', 4001)))).Status);
        Assert.Equal(0, (await room.GetHistoryAsync(0, 10)).LatestSeq);
    }

    [Fact]
    public async Task TheTextLimitCountsCharactersSo4000EmojiAreStoredAnd4001AreTooLong()
    {
        var room = Room(Rooms.New());
        var atLimit = Texts.Repeat(Texts.Emoji, 4000);

        var stored = await room.PostAsync(new PostRequest("alice", "m-1", atLimit));
        var tooLong = await room.PostAsync(new PostRequest("alice", "m-2", Texts.Repeat(Texts.Emoji, 4001)));

        Assert.Equal((PostStatus.Stored, 1L), (stored.Status, stored.Seq));
        Assert.Equal(PostStatus.TooLong, tooLong.Status);
        Assert.Equal(atLimit, Assert.Single((await room.GetHistoryAsync(0, 10)).Messages).Text);
    }

    [Fact]
    public async Task FailedWritePublishesNothingAndKeepsMemoryEqualToStorage()
    {
        var name = Rooms.New();
        var room = Room(name);
        await using var probe = await StreamProbe.SubscribeAsync(fixture.Client, name);
        await room.PostAsync(new PostRequest("alice", "m-1", "stored"));

        FaultyGrainStorage.Fail(name);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => room.PostAsync(new PostRequest("alice", "m-2", "lost")));
        }
        finally
        {
            FaultyGrainStorage.Heal(name);
        }

        var third = await room.PostAsync(new PostRequest("alice", "m-3", "stored too"));
        Assert.Equal(2, third.Seq);
        await probe.WaitForAsync(e => e is MessagePosted { Message.Seq: 2 });
        Assert.Equal(["m-1", "m-3"], probe.Events.OfType<MessagePosted>().Select(e => e.Message.Id));

        await DeactivateAllAsync();
        var history = await room.GetHistoryAsync(0, 10);
        Assert.Equal(["m-1", "m-3"], history.Messages.Select(m => m.Id));
        var retried = await room.PostAsync(new PostRequest("alice", "m-2", "lost"));
        Assert.Equal(PostStatus.Stored, retried.Status);
        Assert.Equal(3, retried.Seq);
    }

    [Fact]
    public async Task PostsThatArriveDuringAWriteAreStoredTogetherInSeqOrder()
    {
        var name = Rooms.New();
        var room = Room(name);
        await using var probe = await StreamProbe.SubscribeAsync(fixture.Client, name);
        Task<PostResult>[] later;
        Task<PostResult> first;
        FaultyGrainStorage.Hold(name);
        try
        {
            first = room.PostAsync(new PostRequest("alice", "m-0", "first"));
            await Eventually.TrueAsync(() => Task.FromResult(FaultyGrainStorage.HeldWrites(name) == 1));
            later = [.. Enumerable.Range(1, 20).Select(i => room.PostAsync(new PostRequest($"user{i % 3}", $"m-{i}", $"text {i}")))];
            // A call behind the posts: once it is answered, the grain has taken every post.
            await room.GetMembersAsync();
        }
        finally
        {
            FaultyGrainStorage.Release(name);
        }

        var results = await Task.WhenAll([first, .. later]);

        Assert.All(results, r => Assert.Equal(PostStatus.Stored, r.Status));
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), results.Select(r => r.Seq).Order());
        // The first post alone, then the twenty that queued behind it, one write per chunk (size 8) they fill.
        Assert.Equal([1, 8, 8, 5], FaultyGrainStorage.ChunkWriteSizes(name));
        await probe.WaitForAsync(e => e is MessagePosted { Message.Seq: 21 });
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), probe.Events.OfType<MessagePosted>().Select(e => e.Message.Seq));
        var history = await room.GetHistoryAsync(0, 100);
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), history.Messages.Select(m => m.Seq));
        Assert.Equal(results.OrderBy(r => r.Seq).Select(r => r.Seq), history.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task ARepeatInsideOneBatchGetsTheFirstOnesSeq()
    {
        var name = Rooms.New();
        var room = Room(name);
        await room.PostAsync(new PostRequest("alice", "m-1", "stored first"));
        Task<PostResult> held, once, again, other;
        FaultyGrainStorage.Hold(name);
        try
        {
            held = room.PostAsync(new PostRequest("alice", "m-2", "held"));
            await Eventually.TrueAsync(() => Task.FromResult(FaultyGrainStorage.HeldWrites(name) == 1));
            once = room.PostAsync(new PostRequest("bob", "m-3", "once"));
            again = room.PostAsync(new PostRequest("bob", "m-3", "once"));
            other = room.PostAsync(new PostRequest("carol", "m-3", "same id, other user"));
            await room.GetMembersAsync();
        }
        finally
        {
            FaultyGrainStorage.Release(name);
        }

        await held;
        // The two identical calls run concurrently, so either may be the one that is stored.
        PostResult[] repeats = [await once, await again];
        var stored = Assert.Single(repeats, r => r.Status == PostStatus.Stored);
        Assert.Equal(new PostResult(PostStatus.Duplicate, stored.Seq), Assert.Single(repeats, r => r.Status != PostStatus.Stored));
        Assert.Equal(PostStatus.Stored, (await other).Status);
        var history = await room.GetHistoryAsync(0, 100);
        Assert.Equal(["m-1", "m-2", "m-3", "m-3"], history.Messages.Select(m => m.Id));
        Assert.Equal(["bob", "carol"], history.Messages.Skip(2).Select(m => m.User).Order());
        Assert.Equal([1L, 2L, 3L, 4L], history.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task AFailedBatchAcknowledgesAndPublishesNoneOfItsPosts()
    {
        var name = Rooms.New();
        var room = Room(name);
        await using var probe = await StreamProbe.SubscribeAsync(fixture.Client, name);
        await room.PostAsync(new PostRequest("alice", "m-1", "stored"));
        Task<PostResult>[] lost;
        FaultyGrainStorage.Hold(name);
        try
        {
            var held = room.PostAsync(new PostRequest("alice", "m-2", "lost"));
            await Eventually.TrueAsync(() => Task.FromResult(FaultyGrainStorage.HeldWrites(name) == 1));
            lost = [held, .. Enumerable.Range(3, 4).Select(i => room.PostAsync(new PostRequest("bob", $"m-{i}", "lost too")))];
            await room.GetMembersAsync();
            FaultyGrainStorage.Fail(name);
        }
        finally
        {
            FaultyGrainStorage.Release(name);
        }

        try
        {
            foreach (var post in lost)
            {
                await Assert.ThrowsAnyAsync<Exception>(() => post);
            }
        }
        finally
        {
            FaultyGrainStorage.Heal(name);
        }

        var next = await room.PostAsync(new PostRequest("bob", "m-4", "retried"));
        Assert.Equal(new PostResult(PostStatus.Stored, 2), next);
        await probe.WaitForAsync(e => e is MessagePosted { Message.Seq: 2 });
        Assert.Equal(["m-1", "m-4"], probe.Events.OfType<MessagePosted>().Select(e => e.Message.Id));
        await DeactivateAllAsync();
        Assert.Equal(["m-1", "m-4"], (await room.GetHistoryAsync(0, 10)).Messages.Select(m => m.Id));
    }

    private Task DeactivateAllAsync() =>
        fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
}
