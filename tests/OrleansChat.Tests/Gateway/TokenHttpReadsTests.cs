using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>
/// With a signing key configured, the HTTP reads of a room need a bearer JWT, checked as a socket's
/// token is, and its <c>rooms</c> claim; posting with the api key is unchanged.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TokenHttpReadsTests(ClusterFixture cluster) : IAsyncLifetime, IDisposable
{
    private const string ApiKey = "the-api-key-of-the-token-tests";
    private readonly HttpClient _http = new();
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(cluster.Cluster, new Dictionary<string, string?>
        {
            ["Chat:Gateway:JwtSigningKey"] = Jwt.SigningKey,
            ["Chat:Gateway:ApiKey"] = ApiKey,
        });
        _http.BaseAddress = _gateway.Address;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("messages")]
    [InlineData("members")]
    public async Task AReadWithAValidBearerTokenIs200(string what)
    {
        using var response = await GetAsync($"/api/rooms/{Rooms.New()}/{what}", Jwt.Create(Jwt.Claims("alice")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("messages", null)]
    [InlineData("members", null)]
    [InlineData("messages", "expired")]
    [InlineData("members", "signed with another key")]
    [InlineData("messages", "unsigned")]
    [InlineData("members", "tampered")]
    [InlineData("messages", "not a JWT")]
    [InlineData("messages", "the api key")]
    public async Task AReadWithoutAValidBearerTokenIs401WithAChallenge(string what, string? kind)
    {
        var token = kind switch
        {
            null => null,
            "the api key" => ApiKey,
            _ => Jwt.Bad(kind),
        };

        using var response = await GetAsync($"/api/rooms/{Rooms.New()}/{what}", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("messages")]
    [InlineData("members")]
    public async Task AReadOfARoomTheRoomsClaimExcludesIs403AndOfOneItAllowsIs200(string what)
    {
        var suffix = Rooms.New();
        var token = Jwt.Create(Jwt.Claims("alice", [$"team-{suffix}-*", $"lobby-{suffix}"]));

        using var excluded = await GetAsync($"/api/rooms/other-{suffix}/{what}", token);
        using var named = await GetAsync($"/api/rooms/lobby-{suffix}/{what}", token);
        using var prefixed = await GetAsync($"/api/rooms/team-{suffix}-red/{what}", token);

        Assert.Equal(HttpStatusCode.Forbidden, excluded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(HttpStatusCode.OK, prefixed.StatusCode);
    }

    [Fact]
    public async Task PostingWithTheApiKeyIsUnchangedAndWhatItPostsIsReadWithAToken()
    {
        var room = Rooms.New();
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/rooms/{room}/messages", UriKind.Relative))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { user = "hook", id = "h-1", text = "posted" }), Encoding.UTF8, "application/json"),
        };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        using var posted = await _http.SendAsync(post);
        using var read = await GetAsync($"/api/rooms/{room}/messages", Jwt.Create(Jwt.Claims("alice")));

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var body = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("posted", Assert.Single(body.GetProperty("messages").EnumerateArray().ToArray()).Str("text"));
    }

    [Fact]
    public async Task TheConfigSaysTokenSoThePageKnowsToAskForOne()
    {
        var config = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/api/config", UriKind.Relative))).RootElement;

        Assert.Equal("token", config.Str("auth"));
        Assert.Equal(4000, config.Num("maxTextLength"));
        Assert.Equal(100, config.Num("maxRooms"));
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request);
    }
}
