using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// The page on a gateway that wants tokens (<c>/api/config</c> says <c>auth: "token"</c>): it
/// connects with the token in its URL fragment, keeps it out of every other URL, and says why in
/// <c>[data-testid=auth-error]</c> when it has no token that works. The gateway allows one second
/// of clock skew, so an expiring token is seen within seconds.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TokenPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly ChatPages _pages = new(fixture.Browser);
    private GatewayHost _gateway = null!;

    private Uri Site => _gateway.Address;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cluster.Cluster, new Dictionary<string, string?>
    {
        ["Chat:Gateway:JwtSigningKey"] = Jwt.SigningKey,
        ["Chat:Gateway:JwtClockSkew"] = "00:00:01",
    });

    public async Task DisposeAsync()
    {
        await _pages.CloseAllAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task ThePageConnectsWithTheTokenInItsFragmentAndPutsItInNoOtherUrl()
    {
        var room = "page-" + Guid.NewGuid().ToString("N")[..12];
        var token = Jwt.Create(Jwt.Claims("Alice Token"));
        var requests = new List<string>();
        var page = await _pages.OpenAtAsync(Site, "/favicon.svg");
        page.Page.Request += (_, request) => requests.Add(request.Url);
        var sockets = new List<string>();
        page.Page.WebSocket += (_, socket) => sockets.Add(socket.Url);

        await page.Page.GotoAsync($"/#token={token}&room={room}");

        await Expect(page.Status).ToHaveTextAsync("connected");
        await Expect(page.Member("Alice Token")).ToBeVisibleAsync();
        await Expect(page.Page.GetByTestId("auth-error")).ToBeHiddenAsync();
        await Expect(page.Page.GetByTestId("name-input")).ToBeHiddenAsync();
        Assert.DoesNotContain(token, page.Page.Url, StringComparison.Ordinal);
        Assert.Contains(room, page.Page.Url, StringComparison.Ordinal);
        Assert.Equal(token, await page.Page.EvaluateAsync<string>("() => sessionStorage.getItem('orleanschat.token')"));
        Assert.NotEmpty(requests);
        Assert.DoesNotContain(requests, url => url.Contains(token, StringComparison.Ordinal));
        Assert.Contains(sockets, url => url.Contains($"token={token}", StringComparison.Ordinal));

        // A reload keeps the tab's token, though the address bar no longer has it.
        await page.Page.ReloadAsync();
        await Expect(page.Status).ToHaveTextAsync("connected");
        await Expect(page.Member("Alice Token")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task WithoutATokenThePageSaysSoInsteadOfAskingForAName()
    {
        var page = await _pages.OpenAtAsync(Site, "/?name=alice");

        await Expect(page.Page.GetByTestId("auth-error")).ToContainTextAsync("not signed in");
        await Expect(page.Page.GetByTestId("name-input")).ToBeHiddenAsync();
        await Expect(page.Status).ToHaveTextAsync("disconnected");
    }

    [Fact]
    public async Task WithAnExpiredTokenThePageSaysItExpired()
    {
        var token = Jwt.Create(Jwt.Claims("alice"), expires: DateTimeOffset.UtcNow.AddMinutes(-5));

        var page = await _pages.OpenAtAsync(Site, $"/#token={token}&room=lobby");

        await Expect(page.Page.GetByTestId("auth-error")).ToContainTextAsync("expired");
        await Expect(page.Page.GetByTestId("name-input")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task AForgedTokenThatTheGatewayRefusesIsSaidSoAndNotRetriedForever()
    {
        var token = Jwt.Bad("signed with another key");

        var page = await _pages.OpenAtAsync(Site, $"/#token={token}&room=lobby");

        await Expect(page.Page.GetByTestId("auth-error")).ToContainTextAsync("did not accept");
        await Expect(page.Status).ToHaveTextAsync("disconnected");
    }

    [Fact]
    public async Task WhenTheTokenExpiresWhileThePageIsOpenThePageSaysItExpired()
    {
        var (token, _) = Jwt.ExpiringIn(TimeSpan.FromSeconds(4), "alice");

        var page = await _pages.OpenAtAsync(Site, $"/#token={token}&room=lobby");
        await Expect(page.Status).ToHaveTextAsync("connected");

        await Expect(page.Page.GetByTestId("auth-error")).ToContainTextAsync("expired", new() { Timeout = 20_000 });
        await Expect(page.Status).ToHaveTextAsync("disconnected");
        Assert.Null(await page.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('orleanschat.token')"));
    }
}
