using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat.Cluster;
using OrleansChat.Gateway.Hosting;
using OrleansChat.Silo.Hosting;

namespace OrleansChat.Tests.Unit.Silo;

/// <summary>A bad <c>Chat:Cluster</c> setting stops the silo or the gateway at start, with a message naming the key.</summary>
public sealed class ClusterOptionsValidationTests
{
    public static TheoryData<string, string, string> BadSiloSettings => new()
    {
        { "Clustering", "Redis", "Chat:Cluster:Redis must be set" },
        { "Storage", "Redis", "Chat:Cluster:Redis must be set" },
        { "Clustering", "Consul", "Chat:Cluster:Clustering 'Consul' is not supported" },
        { "Clustering", "Static", "Chat:Cluster:Clustering 'Static' is not supported" },
        { "Storage", "Disk", "Chat:Cluster:Storage 'Disk' is not supported" },
        { "AdvertisedIP", "127.0.0.x", "Chat:Cluster:AdvertisedIP '127.0.0.x' is not an IP address" },
        { "SiloPort", "70000", "Chat:Cluster:SiloPort 70000 is not a port" },
        { "ClusterId", " ", "Chat:Cluster:ClusterId must not be empty" },
        { "StreamCacheWindow", "00:00:00", "Chat:Cluster:StreamCacheWindow must be positive" },
    };

    [Theory]
    [MemberData(nameof(BadSiloSettings))]
    public void A_silo_with_a_bad_cluster_setting_does_not_start_and_names_the_key(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new($"Chat:Cluster:{key}", value)]);

        var error = Assert.Throws<OptionsValidationException>(() => builder.AddChatSilo());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gateway_with_Redis_clustering_and_no_connection_string_does_not_start_and_names_the_key()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection([new("Chat:Cluster:Clustering", "Redis")]);

        var error = Assert.Throws<OptionsValidationException>(() => builder.AddChatGateway());

        Assert.Contains("Chat:Cluster:Redis must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gateway_with_a_bad_static_gateway_entry_does_not_start_and_names_the_key()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection([new("Chat:Cluster:Clustering", "Static"), new("Chat:Cluster:Gateways:0", "silo:30000")]);

        var error = Assert.Throws<OptionsValidationException>(() => builder.AddChatGateway());

        Assert.Contains("Chat:Cluster:Gateways entry 'silo:30000' is not ip:port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_failure_is_reported_at_once()
    {
        var options = new ChatClusterOptions { Clustering = "Redis", SiloPort = 0, StreamQueues = 0 };

        var result = new ChatClusterOptionsValidator(ChatClusterRole.Silo).Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
    }

    [Fact]
    public void The_defaults_and_the_Redis_profile_are_valid()
    {
        var validator = new ChatClusterOptionsValidator(ChatClusterRole.Silo);
        var redis = new ChatClusterOptions { Clustering = "Redis", Storage = "Redis", Redis = "127.0.0.1:6390", AdvertisedIP = "127.0.0.11" };

        Assert.True(validator.Validate(null, new ChatClusterOptions()).Succeeded);
        Assert.True(validator.Validate(null, redis).Succeeded);
    }
}
