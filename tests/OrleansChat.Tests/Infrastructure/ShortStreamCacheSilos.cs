using Orleans.Configuration;
using Orleans.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// After <see cref="TestSilos"/>: one stream queue, so that every room shares one cache, and
/// Orleans' cache eviction shortened to seconds. An event leaves the cache once it is
/// <see cref="EventWindow"/> old and an event that much newer arrived; a stream the cache has
/// purged is forgotten (its last purged position too) after <see cref="MetadataWindow"/>.
/// </summary>
public sealed class ShortStreamCacheSilos : ISiloConfigurator
{
    /// <summary>How long an event stays in the cache at least, and how much newer an event must be to purge it.</summary>
    public static readonly TimeSpan EventWindow = TimeSpan.FromSeconds(1);

    /// <summary>How long the cache remembers a purged stream's position.</summary>
    public static readonly TimeSpan MetadataWindow = TimeSpan.FromSeconds(2);

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.Services.Configure<StreamCacheEvictionOptions>(ChatStreams.ProviderName, o =>
        {
            o.DataMinTimeInCache = EventWindow;
            o.DataMaxAgeInCache = EventWindow;
            o.MetadataMinTimeInCache = MetadataWindow;
        });
        siloBuilder.Services.Configure<HashRingStreamQueueMapperOptions>(ChatStreams.ProviderName, o => o.TotalQueueCount = 1);
    }
}
