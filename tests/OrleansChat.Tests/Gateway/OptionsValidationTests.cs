using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Hosting;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>A bad setting stops the gateway at start, with a message that names the key.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Chat:Gateway:MaxFrameBytes", "0", "Chat:Gateway:MaxFrameBytes")]
    [InlineData("Chat:Gateway:OutboundQueueLimit", "1", "Chat:Gateway:OutboundQueueLimit")]
    [InlineData("Chat:Gateway:PongTimeout", "00:00:00", "Chat:Gateway:PongTimeout")]
    [InlineData("Chat:Gateway:SocketIOQueues", "-1", "Chat:Gateway:SocketIOQueues")]
    [InlineData("Chat:Gateway:MaxRoomsPerConnection", "0", "Chat:Gateway:MaxRoomsPerConnection")]
    [InlineData("Chat:Gateway:SendBurst", "5", "Chat:Gateway:SendBurst must be at least Chat:Gateway:SendsPerSecond")]
    [InlineData("Chat:Gateway:RecoveryLimit", "0", "Chat:Gateway:RecoveryLimit")]
    [InlineData("Chat:Gateway:PresenceRenewPeriod", "00:00:00", "Chat:Gateway:PresenceRenewPeriod")]
    [InlineData("Chat:Gateway:JwtSigningKey", "too-short", "Chat:Gateway:JwtSigningKey must be at least 32 bytes")]
    [InlineData("Chat:Gateway:AllowedOrigins:0", "chat.example.com", "Chat:Gateway:AllowedOrigins entry 'chat.example.com'")]
    public async Task ABadSettingStopsTheGatewayAtStartNamingItsKey(string key, string value, string expected)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = GatewayHost.RepositoryPath("Gateway"),
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Cluster:Clustering"] = "Static",
            ["Chat:Cluster:Gateways:0"] = "127.0.0.1:1",
            [key] = value,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddChatGateway();

        // Some options are read while the host is built (Kestrel's transport), the rest when it starts.
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = builder.Build();
            app.MapChatGateway();
            await app.StartAsync();
        });

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }
}
