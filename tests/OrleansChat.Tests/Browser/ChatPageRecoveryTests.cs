using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// The chat page through real connection failures: alice's page reaches the gateway through a
/// <see cref="TcpProxy"/> that the test cuts, bob's page directly.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageRecoveryTests(BrowserFixture fixture) : IAsyncLifetime
{
    // The page's backoff is at most 10 s, and a reconnect re-joins before anything shows.
    private static readonly LocatorAssertionsToHaveTextOptions AfterReconnect = new() { Timeout = 15_000 };

    private readonly ChatPages _pages = new(fixture.Browser);
    private TcpProxy _proxy = null!;

    private Uri Direct => fixture.Gateway.Address;

    private static string NewRoom() => "cut-" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync()
    {
        _proxy = TcpProxy.Start(fixture.Gateway.Address);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _pages.CloseAllAsync();
    }

    [Fact]
    public async Task ACutAndRestoredConnectionRecoversTheMessagesSentMeanwhileEachExactlyOnce()
    {
        var (_, alice, bob) = await OpenAliceThroughTheProxyAndBobAsync();
        await alice.SendAsync("before the cut");
        await Expect(alice.Message("before the cut")).ToHaveAttributeAsync("data-state", "sent");
        await Expect(bob.Texts).ToHaveTextAsync(["before the cut"]);

        await CutAndRefuseAsync(alice);
        for (var i = 1; i <= 3; i++)
        {
            await bob.SendAsync($"missed {i}");
        }

        await Expect(bob.Messages.And(bob.Page.Locator("[data-state=sent]"))).ToHaveCountAsync(3);
        Assert.Equal(["before the cut"], await alice.Texts.AllTextContentsAsync());

        _proxy.SetRefusing(false);
        await Expect(alice.Status).ToHaveTextAsync("connected", AfterReconnect);
        await Expect(alice.Texts).ToHaveTextAsync(["before the cut", "missed 1", "missed 2", "missed 3"]);

        // Live again, and still nothing twice.
        await bob.SendAsync("after the cut");
        await Expect(alice.Texts).ToHaveTextAsync(["before the cut", "missed 1", "missed 2", "missed 3", "after the cut"]);
        // bob's own last line has its seq once his ack is in, which may be after alice saw it.
        await Expect(bob.StoredMessages).ToHaveCountAsync(5);
        Assert.Equal(await bob.LinesAsync(), await alice.LinesAsync());
        Assert.Equal(["1", "2", "3", "4", "5"], (await alice.LinesAsync()).Select(line => line.Split(' ')[0]));
        await Expect(alice.Member("bob")).ToBeVisibleAsync();
        await Expect(bob.Member("alice")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ASendWhoseAckIsLostInACutIsShownFailedThenStoredAndShownExactlyOnce()
    {
        var (room, alice, bob) = await OpenAliceThroughTheProxyAndBobAsync();

        // The send reaches the gateway and is stored, but nothing comes back to alice.
        _proxy.Hold(ProxyDirection.ToClient);
        await alice.SendAsync("did it arrive?");
        var line = alice.Message("did it arrive?");
        await Expect(line).ToHaveAttributeAsync("data-state", "pending");
        await Expect(bob.Message("did it arrive?")).ToHaveAttributeAsync("data-seq", "1");

        await CutAndRefuseAsync(alice);
        await Expect(line).ToHaveAttributeAsync("data-state", "failed");
        await Expect(line.Locator("button[data-action=retry]")).ToBeVisibleAsync();

        _proxy.Release(ProxyDirection.ToClient);
        _proxy.SetRefusing(false);
        await Expect(alice.Status).ToHaveTextAsync("connected", AfterReconnect);
        await Expect(line).ToHaveAttributeAsync("data-state", "sent");
        await Expect(line).ToHaveAttributeAsync("data-seq", "1");

        await AssertShownAndStoredOnceAsync(room, "did it arrive?", alice, bob);
    }

    [Fact]
    public async Task ASendLostInACutCanBeRetriedAndIsStoredAndShownExactlyOnce()
    {
        var (room, alice, bob) = await OpenAliceThroughTheProxyAndBobAsync();

        // The send never reaches the gateway.
        _proxy.Hold(ProxyDirection.ToTarget);
        await alice.SendAsync("second try");
        var line = alice.Message("second try");
        await Expect(line).ToHaveAttributeAsync("data-state", "pending");

        await CutAndRefuseAsync(alice);
        await Expect(line).ToHaveAttributeAsync("data-state", "failed");
        Assert.Empty(await StoredTextsAsync(room));

        // Retry while still down: the page keeps it queued, through failed reconnect
        // attempts, and sends it (same id) once back.
        await line.Locator("button[data-action=retry]").ClickAsync();
        // The page handles one refused attempt before it starts the next, so after two
        // more it has certainly been through one since the click.
        var refused = _proxy.Refused;
        await Eventually.TrueAsync(() => Task.FromResult(_proxy.Refused >= refused + 2));
        await Expect(line).ToHaveAttributeAsync("data-state", "pending");
        _proxy.Release(ProxyDirection.ToTarget);
        _proxy.SetRefusing(false);
        await Expect(alice.Status).ToHaveTextAsync("connected", AfterReconnect);
        await Expect(line).ToHaveAttributeAsync("data-state", "sent");

        await AssertShownAndStoredOnceAsync(room, "second try", alice, bob);
    }

    [Fact]
    public async Task ASendTheClusterCouldNotStoreIsRetriedWithTheRetryButtonAndStoredOnce()
    {
        var room = NewRoom();
        var alice = await _pages.OpenAsync(Direct, "alice", room);
        var bob = await _pages.OpenAsync(Direct, "bob", room);
        await Expect(alice.Members).ToHaveTextAsync(["alice", "bob"]);

        var line = alice.Message("stored on the second go");
        FaultyGrainStorage.Fail(room);
        try
        {
            await alice.SendAsync("stored on the second go");
            // The gateway retries a failed room call for ClusterCallFilter.RetryBudget (10 s) before the page hears of it.
            await Expect(line).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 30_000 });
        }
        finally
        {
            FaultyGrainStorage.Heal(room);
        }

        Assert.Empty(await StoredTextsAsync(room));
        await Expect(alice.Status).ToHaveTextAsync("connected");
        await line.Locator("button[data-action=retry]").ClickAsync();
        await Expect(line).ToHaveAttributeAsync("data-state", "sent");

        await AssertShownAndStoredOnceAsync(room, "stored on the second go", alice, bob);
    }

    private async Task<(string Room, ChatPage Alice, ChatPage Bob)> OpenAliceThroughTheProxyAndBobAsync()
    {
        var room = NewRoom();
        var alice = await _pages.OpenAsync(_proxy.Address, "alice", room);
        var bob = await _pages.OpenAsync(Direct, "bob", room);
        await Expect(alice.Members).ToHaveTextAsync(["alice", "bob"]);
        return (room, alice, bob);
    }

    private async Task CutAndRefuseAsync(ChatPage page)
    {
        _proxy.SetRefusing(true);
        await _proxy.CutAllAsync();
        await Expect(page.Status).ToHaveTextAsync("reconnecting");
    }

    // Once on each page, with one seq, and once in the room's stored history.
    private async Task AssertShownAndStoredOnceAsync(string room, string text, ChatPage alice, ChatPage bob)
    {
        var stored = await StoredTextsAsync(room);
        var seq = Assert.Single(stored, m => m.Text == text).Seq;
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Message(text)).ToHaveCountAsync(1);
            await Expect(page.Message(text)).ToHaveAttributeAsync("data-seq", seq.ToString(CultureInfo.InvariantCulture));
        }

        // Anything sent again would be stored (and shown) before this marker.
        await bob.SendAsync("marker");
        await Expect(alice.Texts).ToHaveTextAsync([text, "marker"]);
        Assert.Equal([text, "marker"], (await StoredTextsAsync(room)).Select(m => m.Text));
    }

    private async Task<IReadOnlyList<(long Seq, string Text)>> StoredTextsAsync(string room)
    {
        using var reply = JsonDocument.Parse(await fixture.Http.GetStringAsync(new Uri($"/api/rooms/{room}/messages?since=0&limit=1000", UriKind.Relative)));
        return reply.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("text").GetString()!))
            .ToArray();
    }
}
