using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// The page loads a room's older messages (<c>before=</c>) when the reader scrolls to the top or
/// presses <c>[data-testid=load-older]</c>: in seq order, nothing twice, a visible loading state,
/// and the button gone once the oldest message the room keeps is shown.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OlderMessagesPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    // More than the room keeps (the test silos' window), so the oldest kept is not seq 1.
    private const int Posted = TestSilos.HistoryWindow + 30;
    private const int OldestKept = Posted - TestSilos.HistoryWindow + 1;

    private readonly ChatPages _pages = new(fixture.Browser);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAllAsync();

    [Fact]
    public async Task TheLoadOlderButtonShowsItIsLoadingThenAddsTheOlderPageInOrderAndHidesAtTheOldest()
    {
        var room = await RoomWithMessagesAsync();
        var page = await _pages.OpenAsync(fixture.Gateway.Address, "alice", room);
        var button = page.Page.GetByTestId("load-older");
        await Expect(page.StoredMessages).ToHaveCountAsync(50);
        await Expect(button).ToBeVisibleAsync();

        // Hold the first older page on its way, to see the loading state.
        var release = new TaskCompletionSource();
        await page.Page.RouteAsync("**/messages?before=*", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await button.FocusAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(button).ToHaveTextAsync("Loading older messages…");
        await Expect(button).ToBeDisabledAsync();
        release.SetResult();

        await Expect(page.StoredMessages).ToHaveCountAsync(Posted - OldestKept + 1);
        await Expect(button).ToBeHiddenAsync();
        Assert.Equal(Enumerable.Range(OldestKept, Posted - OldestKept + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), await SeqsAsync(page));
    }

    [Fact]
    public async Task ScrollingToTheTopLoadsTheOlderPageWithoutDuplicatesAndKeepsTheReadersPlace()
    {
        var room = await RoomWithMessagesAsync();
        var page = await _pages.OpenAsync(fixture.Gateway.Address, "alice", room);
        await Expect(page.StoredMessages).ToHaveCountAsync(50);
        var firstShown = page.Page.Locator($"[data-testid=message][data-seq=\"{Posted - 49}\"]");

        await page.Page.GetByTestId("messages").EvaluateAsync("list => { list.scrollTop = 0; }");

        await Expect(page.StoredMessages).ToHaveCountAsync(100);
        var seqs = await SeqsAsync(page);
        Assert.Equal(seqs.Distinct(), seqs);
        Assert.Equal(Enumerable.Range(Posted - 99, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), seqs);
        // The line that was at the top is still in view: the older page went in above it.
        await Expect(firstShown).ToBeInViewportAsync();
        // Scrolling up again reaches the oldest kept message, and the button goes.
        await page.Page.GetByTestId("messages").EvaluateAsync("list => { list.scrollTop = 0; }");
        await Expect(page.StoredMessages).ToHaveCountAsync(Posted - OldestKept + 1);
        await Expect(page.Page.GetByTestId("load-older")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task ARoomWhoseWholeHistoryIsShownHasNoLoadOlderButton()
    {
        var room = "page-" + Guid.NewGuid().ToString("N")[..12];
        var grain = fixture.Cluster.Cluster.Client.GetGrain<IChatRoomGrain>(room);
        await grain.PostAsync(new PostRequest("bob", "m-1", "only one"));

        var page = await _pages.OpenAsync(fixture.Gateway.Address, "alice", room);

        await Expect(page.StoredMessages).ToHaveCountAsync(1);
        await Expect(page.Page.GetByTestId("load-older")).ToBeHiddenAsync();
    }

    private async Task<string> RoomWithMessagesAsync()
    {
        var room = "page-" + Guid.NewGuid().ToString("N")[..12];
        var grain = fixture.Cluster.Cluster.Client.GetGrain<IChatRoomGrain>(room);
        for (var i = 1; i <= Posted; i++)
        {
            await grain.PostAsync(new PostRequest("bob", $"m-{i}", $"message number {i}"));
        }

        return room;
    }

    private static Task<string[]> SeqsAsync(ChatPage page) =>
        page.StoredMessages.EvaluateAllAsync<string[]>("lines => lines.map(line => line.dataset.seq)");
}
