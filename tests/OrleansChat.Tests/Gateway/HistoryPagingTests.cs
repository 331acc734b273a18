using System.Net;
using System.Text.Json;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>
/// <c>GET /api/rooms/{room}/messages</c> pages: the newest <c>limit</c> without <c>since</c>,
/// <c>before=N</c> back from there, each page oldest first, every reply with <c>oldest</c>.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryPagingTests(ClusterFixture cluster) : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new();
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(cluster.Cluster);
        _http.BaseAddress = _gateway.Address;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task WithoutSinceTheReplyIsTheNewestLimitOldestFirst()
    {
        var room = await RoomWithAsync(30);

        var page = await GetAsync(room, "limit=10");

        Assert.Equal(Enumerable.Range(21, 10).Select(i => (long)i), Seqs(page));
        Assert.Equal(30, page.Num("seq"));
        Assert.Equal(1, page.Num("oldest"));
    }

    [Fact]
    public async Task PagingBackWithBeforeReadsEveryMessageOnceAndInOrder()
    {
        var room = await RoomWithAsync(23);

        var pages = new List<long[]>();
        var page = await GetAsync(room, "limit=5");
        pages.Add(Seqs(page));
        while (pages[^1].Length > 0 && pages[^1][0] > page.Num("oldest"))
        {
            page = await GetAsync(room, $"before={pages[^1][0]}&limit=5");
            pages.Add(Seqs(page));
        }

        Assert.All(pages, p => Assert.Equal(p.Order(), p));
        Assert.Equal([3, 5, 5, 5, 5], pages.Select(p => p.Length).Reverse());
        Assert.Equal(Enumerable.Range(1, 23).Select(i => (long)i), pages.AsEnumerable().Reverse().SelectMany(p => p));
    }

    [Fact]
    public async Task SinceStillReturnsTheFirstLimitAfterIt()
    {
        var room = await RoomWithAsync(12);

        var page = await GetAsync(room, "since=4&limit=3");

        Assert.Equal([5L, 6L, 7L], Seqs(page));
        Assert.Equal(1, page.Num("oldest"));
    }

    [Fact]
    public async Task OldestIsTheLowestSeqTheRoomStillKeepsAndZeroForAnEmptyRoom()
    {
        var room = await RoomWithAsync(TestSilos.HistoryWindow + 20);

        var newest = await GetAsync(room, "limit=5");
        var first = await GetAsync(room, "before=30&limit=50");
        var empty = await GetAsync(Rooms.New(), "");

        Assert.Equal(21, newest.Num("oldest"));
        Assert.Equal(Enumerable.Range(21, 9).Select(i => (long)i), Seqs(first));
        Assert.Equal(0, empty.Num("oldest"));
        Assert.Equal(0, empty.Num("seq"));
        Assert.Empty(Seqs(empty));
    }

    [Fact]
    public async Task TheJoinedFrameCarriesTheOldestSeqTheRoomKeeps()
    {
        var room = await RoomWithAsync(TestSilos.HistoryWindow + 5);
        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");

        var joined = await alice.JoinAsync(room);
        var empty = await alice.JoinAsync(Rooms.New());

        Assert.Equal(6, joined.Num("oldest"));
        Assert.Equal(0, empty.Num("oldest"));
    }

    [Theory]
    [InlineData("since=1&before=5")]
    [InlineData("before=0")]
    [InlineData("before=abc")]
    [InlineData("since=-1")]
    [InlineData("since=1.5")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=10&limit=20")]
    public async Task BadPagingParametersAre400WithAProblemBodyThatSaysWhich(string query)
    {
        var room = await RoomWithAsync(3);

        using var response = await _http.GetAsync(new Uri($"/api/rooms/{room}/messages?{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Str("detail")!;
        var named = query.Split('&').Select(p => p.Split('=')[0]).Distinct();
        Assert.Contains(named, name => detail.Contains($"'{name}'", StringComparison.Ordinal));
    }

    private async Task<string> RoomWithAsync(int count)
    {
        var room = Rooms.New();
        var grain = cluster.Cluster.Client.GetGrain<IChatRoomGrain>(room);
        for (var i = 1; i <= count; i++)
        {
            await grain.PostAsync(new PostRequest("bob", $"m-{i}", $"text {i}"));
        }

        return room;
    }

    private async Task<JsonElement> GetAsync(string room, string query)
    {
        using var response = await _http.GetAsync(new Uri($"/api/rooms/{room}/messages?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static long[] Seqs(JsonElement page) => page.GetProperty("messages").EnumerateArray().Select(m => m.Num("seq")).ToArray();
}
