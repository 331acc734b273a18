using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary><c>/api/rooms/{room}/members</c> and <c>POST /api/rooms/{room}/messages</c>, over real HTTP to a gateway on the test cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RoomsHttpApiTests(ClusterFixture cluster) : IAsyncLifetime, IDisposable
{
    private const string Key = "the-api-key-of-the-tests";
    private readonly HttpClient _http = new();
    private GatewayHost _gateway = null!;


    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?> { ["Chat:Gateway:ApiKey"] = Key });
        _http.BaseAddress = _gateway.Address;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task MembersOfARoomNobodyJoinedIsAnEmptyList()
    {
        var room = Rooms.New();

        using var response = await _http.GetAsync(new Uri($"/api/rooms/{room}/members", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(room, body.Str("room"));
        Assert.Equal(JsonValueKind.Array, body.GetProperty("members").ValueKind);
        Assert.Empty(body.GetProperty("members").EnumerateArray());
    }

    [Theory]
    [InlineData("GET", "/api/rooms/-bad/members")]
    [InlineData("GET", "/api/rooms/has%20space/messages")]
    [InlineData("POST", "/api/rooms/-bad/messages")]
    public async Task AnInvalidRoomNameInThePathIs400WithAProblemBody(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        request.Content = method == "POST" ? Body(new { user = "hook", id = "h-1", text = "hi" }) : null;

        using var response = await _http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task APostWithTheKeyIsStoredBroadcastToSocketsAndAnswered201WithItsSeq()
    {
        var room = Rooms.New();
        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        await alice.JoinAsync(room);

        using var response = await PostAsync(room, new { user = "release bot", id = "h-1", text = "v2 is <out> & \"live\"" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(room, body.Str("room"));
        Assert.Equal(1, body.Num("seq"));
        Assert.Equal("h-1", body.Str("id"));
        var message = await alice.WaitForAsync(f => f.IsMessageIn(room));
        Assert.Equal(("release bot", "h-1", 1L, "v2 is <out> & \"live\""), (message.Str("user"), message.Str("id"), message.Num("seq"), message.Str("text")));
        var history = await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10);
        Assert.Equal("h-1", Assert.Single(history.Messages).Id);
    }

    [Fact]
    public async Task The201IsUtf8JsonSentWithAContentLengthNotChunkedAndGivesBackAnIdThatNeedsEscaping()
    {
        var room = Rooms.New();
        const string id = "\"quoted\" <b> & ünïcødé \\ ✓ \u2028";

        using var response = await PostAsync(room, new { user = "hook", id, text = "escape me" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(("application/json", "utf-8"), (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.CharSet));
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.True(response.Content.Headers.TryGetValues("Content-Length", out var length));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes.Length.ToString(CultureInfo.InvariantCulture), Assert.Single(length));
        var body = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal((room, 1L, id), (body.Str("room"), body.Num("seq"), body.Str("id")));
    }

    [Fact]
    public async Task RepeatingAPostWithTheSameUserAndIdAnswersTheOriginalSeqAndStoresItOnce()
    {
        var room = Rooms.New();

        using var first = await PostAsync(room, new { user = "hook", id = "h-1", text = "once" });
        using var repeat = await PostAsync(room, new { user = "hook", id = "h-1", text = "once" });
        using var other = await PostAsync(room, new { user = "hook", id = "h-2", text = "twice" });

        Assert.All([first, repeat, other], r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(1, (await JsonAsync(first)).Num("seq"));
        Assert.Equal(1, (await JsonAsync(repeat)).Num("seq"));
        Assert.Equal(2, (await JsonAsync(other)).Num("seq"));
        var history = await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10);
        Assert.Equal(["h-1", "h-2"], history.Messages.Select(m => m.Id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key")]
    [InlineData("Bearer the-api-key-of-the-tests-and-more")]
    [InlineData("Bearer the-api-key-of-the-test")]
    [InlineData("Bearer the-api-key-of-the-teststhe-api-key-of-the-tests")]
    [InlineData("Bearer The-api-key-of-the-tests")]
    [InlineData("Bearer ")]
    [InlineData("Basic dGhlLWFwaS1rZXktb2YtdGhlLXRlc3Rz")]
    [InlineData("the-api-key-of-the-tests")]
    public async Task APostWithoutTheRightKeyIs401AndStoresNothing(string? authorization)
    {
        var room = Rooms.New();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/rooms/{room}/messages", UriKind.Relative))
        {
            Content = Body(new { user = "hook", id = "h-1", text = "let me in" }),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(0, (await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10)).LatestSeq);
    }

    [Fact]
    public async Task APostIs403WhenNoApiKeyIsConfigured()
    {
        await using var keyless = await GatewayHost.StartAsync(cluster.Cluster);
        using var http = new HttpClient { BaseAddress = keyless.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/rooms/{Rooms.New()}/messages", UriKind.Relative))
        {
            Content = Body(new { user = "hook", id = "h-1", text = "anyone?" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    [InlineData("{\"id\":\"h-1\",\"text\":\"no user\"}")]
    [InlineData("{\"user\":\"<b>\",\"id\":\"h-1\",\"text\":\"bad user\"}")]
    [InlineData("{\"user\":42,\"id\":\"h-1\",\"text\":\"user not a string\"}")]
    [InlineData("{\"user\":\"hook\",\"text\":\"no id\"}")]
    [InlineData("{\"user\":\"hook\",\"id\":\"\",\"text\":\"empty id\"}")]
    [InlineData("{\"user\":\"hook\",\"id\":7,\"text\":\"id not a string\"}")]
    [InlineData("{\"user\":\"hook\",\"id\":\"h-1\"}")]
    [InlineData("{\"user\":\"hook\",\"id\":\"h-1\",\"text\":\" \\n\\t \"}")]
    [InlineData("{\"user\":\"hook\",\"id\":\"h-1\",\"text\":[\"not\",\"a\",\"string\"]}")]
    [InlineData("{\"user\":\"hook\",\"id\":\"h-1\",\"text\":\"a lone \\ud83d surrogate\"}")]
    [InlineData("{\"user\":\"hook\",\"id\":\"\\ude00\",\"text\":\"a lone surrogate in the id\"}")]
    public async Task AMalformedBodyIs400WithAProblemBodyAndStoresNothing(string json)
    {
        var room = Rooms.New();

        using var response = await PostRawAsync(room, json);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, (await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10)).LatestSeq);
    }

    [Fact]
    public async Task AnIdOver64CharactersOrTextOverTheLimitIs400AndTextAtTheLimitIsStored()
    {
        var room = Rooms.New();

        using var longId = await PostAsync(room, new { user = "hook", id = new string('i', 65), text = "hi" });
        using var tooLong = await PostAsync(room, new { user = "hook", id = "h-1", text = new string('x', 4001) });
        using var atLimit = await PostAsync(room, new { user = "hook", id = "h-2", text = new string('y', 4000) });

        await AssertProblemAsync(longId, HttpStatusCode.BadRequest);
        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
        Assert.Equal(1, (await JsonAsync(atLimit)).Num("seq"));
    }

    [Fact]
    public async Task TheTextLimitCountsCharactersSo4000EmojiAreStoredAnd4001Are400()
    {
        var room = Rooms.New();
        var atLimit = Texts.Repeat(Texts.Emoji, 4000);

        // JsonSerializer escapes each emoji as two \uXXXX (twelve bytes): the body still fits the 64 KiB bound.
        using var stored = await PostAsync(room, new { user = "hook", id = "h-1", text = atLimit });
        using var tooLong = await PostAsync(room, new { user = "hook", id = "h-2", text = atLimit + Texts.Emoji });

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal(1, (await JsonAsync(stored)).Num("seq"));
        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest);
        Assert.Equal(atLimit, Assert.Single((await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10)).Messages).Text);
    }

    [Fact]
    public async Task ABodyWithBytesThatAreNotUtf8Is400AndStoresNothing()
    {
        var room = Rooms.New();
        // "text":"\xED\xA0\x80" is a surrogate encoded as if it were a character, which UTF-8 does not allow.
        byte[] body = [.. "{\"user\":\"hook\",\"id\":\"h-1\",\"text\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/rooms/{room}/messages", UriKind.Relative))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await _http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, (await cluster.Client.GetGrain<IChatRoomGrain>(room).GetHistoryAsync(0, 10)).LatestSeq);
    }

    [Fact]
    public async Task ABodyOver64KiBIsRefusedWith413()
    {
        using var response = await PostAsync(Rooms.New(), new { user = "hook", id = "h-1", text = new string('x', 70_000) });

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AStorageFailureIs503AndARetryWithTheSameIdIsStoredOnce()
    {
        var room = Rooms.New();
        var message = new { user = "hook", id = "h-1", text = "eventually" };

        FaultyGrainStorage.Fail(room);
        try
        {
            using var failed = await PostAsync(room, message);
            await AssertProblemAsync(failed, HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            FaultyGrainStorage.Heal(room);
        }

        using var retried = await PostAsync(room, message);
        using var again = await PostAsync(room, message);

        Assert.Equal(1, (await JsonAsync(retried)).Num("seq"));
        Assert.Equal(1, (await JsonAsync(again)).Num("seq"));
    }

    [Fact]
    public async Task TheConfigSaysNameWhenNoSigningKeyIsConfigured()
    {
        var config = await JsonAsync(await _http.GetAsync(new Uri("/api/config", UriKind.Relative)));

        Assert.Equal("name", config.Str("auth"));
    }

    [Fact]
    public async Task APostedMessageIsReadBackThroughTheHistoryEndpoint()
    {
        var room = Rooms.New();
        using var posted = await PostAsync(room, new { user = "hook", id = "h-1", text = "read me back" });

        using var response = await _http.GetAsync(new Uri($"/api/rooms/{room}/messages?since=0", UriKind.Relative));

        var body = await JsonAsync(response);
        var message = Assert.Single(body.GetProperty("messages").EnumerateArray().ToArray());
        Assert.Equal(("hook", "read me back", 1L), (message.Str("user"), message.Str("text"), message.Num("seq")));
    }

    private Task<HttpResponseMessage> PostAsync(string room, object body) => PostRawAsync(room, JsonSerializer.Serialize(body));

    private Task<HttpResponseMessage> PostRawAsync(string room, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/rooms/{room}/messages", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return SendAndDisposeRequestAsync(request);
    }

    private async Task<HttpResponseMessage> SendAndDisposeRequestAsync(HttpRequestMessage request)
    {
        using (request)
        {
            return await _http.SendAsync(request);
        }
    }

    private static StringContent Body(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(response);
        Assert.Equal((int)status, problem.Num("status"));
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
    }
}
