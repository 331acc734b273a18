using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// A picture of the page for the README: three people, two rooms. Saved in the test output
/// folder on every run, and over docs/screenshot.png when WRITE_SCREENSHOT=1.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageScreenshot(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly ChatPages _pages = new(fixture.Browser);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAllAsync();

    [Fact]
    public async Task APageInTwoRoomsShowsTheCurrentRoomAndCountsUnreadMessagesInTheOther()
    {
        // Readable names for the picture; the rest of the collection uses random ones.
        const string Lobby = "lobby";
        const string Design = "design";
        var site = fixture.Gateway.Address;
        var alice = await _pages.OpenAsync(site, "alice", Lobby);
        var bob = await _pages.OpenAsync(site, "bob", Lobby);
        var carol = await _pages.OpenAsync(site, "carol", Design);

        await alice.Page.GetByTestId("room-input").FillAsync(Design);
        await alice.Page.GetByTestId("join").ClickAsync();
        await Expect(alice.Member("carol")).ToBeVisibleAsync();
        await alice.Room(Lobby).ClickAsync();
        await Expect(alice.Member("bob")).ToBeVisibleAsync();

        await alice.SendAsync("Morning! Is the new build on staging yet?");
        await bob.SendAsync("Deployed ten minutes ago. Reconnects now pick up where they left off.");
        await alice.SendAsync("Nice. I'll try it from the train <no promises>.");
        await bob.SendAsync("Tunnels welcome: whatever you miss comes back once, in order.");
        await alice.SendAsync("Deal. Reporting back after Reading.");
        await carol.SendAsync("Mock-ups for the room list are up, have a look when you can.");
        await bob.Input.PressSequentiallyAsync("Let me know how");

        await Expect(alice.StoredMessages).ToHaveCountAsync(5);
        await Expect(alice.Room(Design)).ToHaveAttributeAsync("data-unread", "1");
        await Expect(alice.Typing).ToHaveTextAsync("bob is typing…");

        await alice.Page.SetViewportSizeAsync(1100, 560);
        await alice.Input.BlurAsync();
        var file = Path.Combine(AppContext.BaseDirectory, "screenshots", "chat-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await alice.Page.ScreenshotAsync(new() { Path = file });
        if (Environment.GetEnvironmentVariable("WRITE_SCREENSHOT") == "1")
        {
            File.Copy(file, GatewayHost.RepositoryPath(Path.Combine("docs", "screenshot.png")), overwrite: true);
        }

        Assert.True(new FileInfo(file).Length > 0);
    }
}
