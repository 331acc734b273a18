using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>The chat page in Chromium, two people on one gateway: live messages, safe rendering, presence.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly ChatPages _pages = new(fixture.Browser);

    private Uri Site => fixture.Gateway.Address;

    private static string NewRoom() => "page-" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAllAsync();

    [Fact]
    public async Task TwoPagesExchangeMessagesLiveAndBothShowThemInTheSameSeqOrder()
    {
        var room = NewRoom();
        var alice = await _pages.OpenAsync(Site, "alice", room);
        var bob = await _pages.OpenAsync(Site, "bob", room);
        await Expect(alice.Members).ToHaveTextAsync(["alice", "bob"]);

        // Interleaved without waiting for each other, so the two streams race into one order.
        for (var i = 1; i <= 3; i++)
        {
            await alice.SendAsync($"alice says {i}");
            await bob.SendAsync($"bob says {i}");
        }

        await Expect(alice.StoredMessages).ToHaveCountAsync(6);
        await Expect(bob.StoredMessages).ToHaveCountAsync(6);
        var seenByAlice = await alice.LinesAsync();
        var seenByBob = await bob.LinesAsync();
        Assert.Equal(seenByBob, seenByAlice);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], seenByAlice.Select(line => line.Split(' ')[0]));
        Assert.Equal(["alice says 1", "alice says 2", "alice says 3"], TextsBy("alice", seenByAlice));
        Assert.Equal(["bob says 1", "bob says 2", "bob says 3"], TextsBy("bob", seenByAlice));
        // Own lines were confirmed in place: none is left pending or failed.
        await Expect(alice.Page.GetByTestId("messages").Locator("[data-state]:not([data-state=sent])")).ToHaveCountAsync(0);
        await Expect(alice.Page.GetByTestId("messages").Locator("[data-state=sent]")).ToHaveCountAsync(3);
        await Expect(alice.Status).ToHaveTextAsync("connected");
        await Expect(bob.Status).ToHaveTextAsync("connected");
    }

    [Fact]
    public async Task MarkupAndScriptInAMessageShowAsLiteralTextAndRunNothing()
    {
        const string Hostile = """<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><b>bold</b>""";
        var room = NewRoom();
        var alice = await _pages.OpenAsync(Site, "alice", room);
        var bob = await _pages.OpenAsync(Site, "bob", room);
        await Expect(alice.Members).ToHaveTextAsync(["alice", "bob"]);

        await alice.SendAsync(Hostile);

        await Expect(bob.StoredMessages).ToHaveCountAsync(1);
        await Expect(alice.StoredMessages).ToHaveCountAsync(1);
        foreach (var page in new[] { alice, bob })
        {
            Assert.Equal(Hostile, await page.Texts.TextContentAsync());
            await Expect(page.Page.GetByTestId("messages").Locator("img, script, b")).ToHaveCountAsync(0);
            Assert.True(await page.Page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        }

        var policy = await alice.Document!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(policy);
        var scriptSrc = policy.Split(';', StringSplitOptions.TrimEntries).SingleOrDefault(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.NotNull(scriptSrc);
        Assert.DoesNotContain("'unsafe-inline'", scriptSrc, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", scriptSrc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePageCountsCharactersSo4000EmojiAreSentAnd4001AreRefusedWithoutSending()
    {
        var room = NewRoom();
        var alice = await _pages.OpenAsync(Site, "alice", room);
        var atLimit = Texts.Repeat(Texts.Emoji, 4000);

        await alice.SendAsync(atLimit);
        await Expect(alice.StoredMessages).ToHaveCountAsync(1);
        Assert.Equal(atLimit, await alice.Texts.TextContentAsync());

        await alice.Input.FillAsync(atLimit + Texts.Emoji);
        await alice.Input.PressAsync("Enter");
        await Expect(alice.Page.Locator("#toasts")).ToContainTextAsync("too long");
        await Expect(alice.Input).ToHaveValueAsync(atLimit + Texts.Emoji);
        await Expect(alice.Messages).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task MembersAndTypingShowUpOnTheOtherPage()
    {
        var room = NewRoom();
        var alice = await _pages.OpenAsync(Site, "alice", room);
        var bob = await _pages.OpenAsync(Site, "bob", room);

        await Expect(alice.Members).ToHaveTextAsync(["alice", "bob"]);
        await Expect(bob.Members).ToHaveTextAsync(["alice", "bob"]);

        await bob.Input.PressSequentiallyAsync("hello ali");
        await Expect(alice.Typing).ToHaveTextAsync("bob is typing…");
        await Expect(bob.Typing).ToHaveTextAsync("");

        // The hint lasts 4 s, but bob's message ends it at once.
        await bob.Input.PressSequentiallyAsync("ce");
        await bob.Input.PressAsync("Enter");
        await Expect(alice.Message("hello alice")).ToBeVisibleAsync();
        await Expect(alice.Typing).ToHaveTextAsync("", new() { Timeout = 2_000 });

        // Typing the next message at once shows the hint again, throttle or not.
        await bob.Input.PressSequentiallyAsync("and");
        await Expect(alice.Typing).ToHaveTextAsync("bob is typing…", new() { Timeout = 1_500 });

        await bob.CloseAsync();
        await Expect(alice.Members).ToHaveTextAsync(["alice"]);
    }

    private static string[] TextsBy(string user, IEnumerable<string> lines) =>
        lines.Select(line => line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..])
            .Where(line => line.StartsWith(user + ": ", StringComparison.Ordinal))
            .Select(line => line[(user.Length + 2)..])
            .ToArray();
}
