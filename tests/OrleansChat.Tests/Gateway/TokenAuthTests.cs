using System.Net;
using Microsoft.Extensions.Logging;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>
/// <c>/ws</c> with a JWT signing key configured: tokens instead of names, 401 before any upgrade,
/// and never a token in the logs, even with ASP.NET Core's own logging turned all the way up.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TokenAuthTests(ClusterFixture cluster) : IAsyncLifetime, IDisposable
{
    private const string SigningKey = Jwt.SigningKey;
    private readonly CapturedLogs _logs = new();
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(
        cluster.Cluster,
        new Dictionary<string, string?>
        {
            ["Chat:Gateway:JwtSigningKey"] = SigningKey,
            // As an operator chasing a problem might set it: everything, ASP.NET Core's request logging included.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:OrleansChat"] = "Trace",
        },
        builder => builder.Logging.AddProvider(_logs));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task AValidTokenConnectsAsTheNameInItsNameClaim()
    {
        var token = Token(new() { ["name"] = "Alice Smith", ["sub"] = "user-17" });

        await using var alice = await ChatClient.ConnectAsync(_gateway.SocketWithQuery($"token={token}"));

        Assert.Equal("Alice Smith", alice.Frames[0].Str("user"));
    }

    [Fact]
    public async Task ATokenWithoutANameClaimConnectsAsItsSubject()
    {
        var token = Token(new() { ["sub"] = "bob" });

        await using var bob = await ChatClient.ConnectAsync(_gateway.SocketWithQuery($"token={token}"));

        Assert.Equal("bob", bob.Frames[0].Str("user"));
    }

    [Fact]
    public async Task TheNameInTheQueryIsIgnoredWhenATokenIsRequired()
    {
        var token = Token(new() { ["name"] = "alice" });

        await using var alice = await ChatClient.ConnectAsync(_gateway.SocketWithQuery($"name=mallory&token={token}"));
        var nameOnly = await UpgradeRequest.SendAsync(_gateway.Socket("mallory"));

        Assert.Equal("alice", alice.Frames[0].Str("user"));
        Assert.Equal(HttpStatusCode.Unauthorized, nameOnly.Status);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("expired")]
    [InlineData("signed with another key")]
    [InlineData("unsigned")]
    [InlineData("tampered")]
    [InlineData("not a JWT")]
    public async Task AMissingExpiredOrForgedTokenIsRefusedWith401BeforeTheUpgrade(string kind)
    {
        var query = kind switch
        {
            "missing" => "name=alice",
            "empty" => "token=",
            _ => "token=" + BadToken(kind),
        };

        var (status, challenge) = await UpgradeRequest.SendAsync(_gateway.SocketWithQuery(query));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", challenge);
    }

    [Theory]
    [InlineData(-10, true)]
    [InlineData(-40, false)]
    public async Task ATokenIsAcceptedUpTo30SecondsPastItsExpiryByDefaultAndNotBeyond(int expiredSecondsAgo, bool accepted)
    {
        var token = Jwt.Create(new() { ["name"] = "alice" }, expires: DateTimeOffset.UtcNow.AddSeconds(expiredSecondsAgo), notBefore: DateTimeOffset.UtcNow.AddMinutes(-5));

        await AssertAcceptedAsync(token, accepted);
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(40, false)]
    public async Task ATokenIsAcceptedUpTo30SecondsBeforeItsNotBeforeByDefaultAndNotEarlier(int validInSeconds, bool accepted)
    {
        var token = Jwt.Create(new() { ["name"] = "alice" }, expires: DateTimeOffset.UtcNow.AddHours(1), notBefore: DateTimeOffset.UtcNow.AddSeconds(validInSeconds));

        await AssertAcceptedAsync(token, accepted);
    }

    [Fact]
    public async Task ATokenWhoseNameBreaksTheNameRulesIsRefusedWith400()
    {
        var token = Token(new() { ["name"] = "<script>alert(1)</script>" });

        var (status, _) = await UpgradeRequest.SendAsync(_gateway.SocketWithQuery($"token={token}"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task NoTokenEverAppearsInTheGatewaysLogs()
    {
        var valid = Token(new() { ["name"] = "alice" });
        string[] refused = [BadToken("expired"), BadToken("signed with another key"), BadToken("tampered")];
        await using (var alice = await ChatClient.ConnectAsync(_gateway.SocketWithQuery($"token={valid}")))
        {
            await alice.JoinAsync("room-" + Guid.NewGuid().ToString("N")[..12]);
        }

        foreach (var token in refused)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await UpgradeRequest.SendAsync(_gateway.SocketWithQuery($"token={token}"))).Status);
        }

        // The capture works and sees Debug entries: each refusal was logged, with its reason.
        await Eventually.TrueAsync(() => Task.FromResult(_logs.Entries.Count(e => e.Contains("Refused a socket", StringComparison.Ordinal)) >= refused.Length));
        var entries = _logs.Entries;
        Assert.Contains(entries, e => e.Contains("SecurityTokenExpiredException", StringComparison.Ordinal));
        foreach (var token in refused.Append(valid))
        {
            // The signature alone is enough to replay a token, so no part of one may show.
            var signature = token[(token.LastIndexOf('.') + 1)..];
            Assert.DoesNotContain(entries, e => e.Contains(signature, StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => e.Contains(token.Split('.')[1], StringComparison.Ordinal));
        }

        Assert.DoesNotContain(entries, e => e.Contains("token=", StringComparison.Ordinal));
    }

    private static string Token(Dictionary<string, object> claims) => Jwt.Create(claims);

    private async Task AssertAcceptedAsync(string token, bool accepted)
    {
        if (accepted)
        {
            await using var alice = await ChatClient.ConnectAsync(_gateway.SocketWithQuery($"token={token}"));
            Assert.Equal("alice", alice.Frames[0].Str("user"));
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await UpgradeRequest.SendAsync(_gateway.SocketWithQuery($"token={token}"))).Status);
        }
    }

    private static string BadToken(string kind) => Jwt.Bad(kind);
}
