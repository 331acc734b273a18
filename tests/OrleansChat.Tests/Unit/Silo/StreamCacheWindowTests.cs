using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansChat.Silo.Hosting;

namespace OrleansChat.Tests.Unit.Silo;

/// <summary>
/// <c>Chat:Cluster:StreamCacheWindow</c> bounds how long the silo's stream cache keeps events
/// (docs/decisions/0015-stream-cache-window.md); what a
/// subscription does once the cache has forgotten its position is in <c>StreamCacheMissTests</c>.
/// </summary>
public sealed class StreamCacheWindowTests
{
    [Fact]
    public void ByDefaultTheCacheKeepsAMinuteOfEventsNotOrleansHalfHour()
    {
        var eviction = EvictionOptions(new Dictionary<string, string?>());

        Assert.Equal(TimeSpan.FromMinutes(1), eviction.DataMinTimeInCache);
        Assert.Equal(TimeSpan.FromMinutes(1), eviction.DataMaxAgeInCache);
        Assert.True(eviction.DataMaxAgeInCache < StreamCacheEvictionOptions.DefaultDataMaxAgeInCache);
    }

    [Fact]
    public void TheWindowIsTakenFromConfiguration()
    {
        var eviction = EvictionOptions(new Dictionary<string, string?> { ["Chat:Cluster:StreamCacheWindow"] = "00:05:00" });

        Assert.Equal(TimeSpan.FromMinutes(5), eviction.DataMinTimeInCache);
        Assert.Equal(TimeSpan.FromMinutes(5), eviction.DataMaxAgeInCache);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void AWindowThatIsNotPositiveIsAClearError(string window)
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            EvictionOptions(new Dictionary<string, string?> { ["Chat:Cluster:StreamCacheWindow"] = window }));

        Assert.Contains("Chat:Cluster:StreamCacheWindow must be positive", error.Message);
    }

    // The options the silo's memory stream provider is built with, from a silo configured as the
    // real one is (the host is built, never started).
    private static StreamCacheEvictionOptions EvictionOptions(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.AddChatGrains(configuration));
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptionsMonitor<StreamCacheEvictionOptions>>().Get(ChatStreams.ProviderName);
    }
}
