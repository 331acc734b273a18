using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Persistence;
using Orleans.Storage;
using OrleansChat.Cluster;
using StackExchange.Redis;
using OrleansChat.Grains;
using OrleansChat.Grains.Storage;
using OrleansChat.Grains.Streaming;

namespace OrleansChat.Silo.Hosting;

/// <summary>Sets up a chat silo: the one place where clustering, storage and streams are chosen from configuration.</summary>
public static class ChatSiloExtensions
{
    /// <summary>Adds Orleans with the chat grains and the providers named in <c>Chat:Cluster</c>.</summary>
    public static IHostApplicationBuilder AddChatSilo(this IHostApplicationBuilder builder)
    {
        var cluster = ChatClusterOptionsValidator.Read(builder.Configuration, ChatClusterRole.Silo);
        builder.Services.AddOptions<ChatClusterOptions>().Bind(builder.Configuration.GetSection(ChatClusterOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChatClusterOptions>>(new ChatClusterOptionsValidator(ChatClusterRole.Silo));
        builder.UseOrleans(silo => silo.AddChatGrains(builder.Configuration).UseChatCluster(cluster).UseChatKubernetes(builder.Configuration, Environment.GetEnvironmentVariable));
        if (cluster.MetricsPort > 0)
        {
            // Served with the health endpoints by one small Kestrel listener (SiloHttpEndpoint). Each instrument keeps
            // at most MetricsSeriesPerInstrument series, as the gateway's do: OpenTelemetry's default
            // preallocates a large array per instrument recorded (docs/decisions/0021-metrics-200-series-per-instrument.md).
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans", "System.Runtime")
                .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = ChatClusterOptions.MetricsSeriesPerInstrument })
                .AddPrometheusExporter());
            builder.Services.AddSingleton<SiloReadiness>();
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloReadiness>());
            builder.Services.AddHostedService(sp => new SiloHttpEndpoint(
                cluster, sp.GetRequiredService<MeterProvider>(), sp.GetRequiredService<SiloReadiness>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        }

        return builder;
    }

    /// <summary>Registers what the chat grains need apart from clustering: options, storage and the room streams.</summary>
    public static ISiloBuilder AddChatGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = ChatClusterOptionsValidator.Read(configuration, ChatClusterRole.Silo);
        silo.Services.AddOptions<ChatRoomOptions>()
            .Bind(configuration.GetSection(ChatRoomOptions.Section))
            .Validate(o => o.HistoryWindow > 0 && o.ChunkSize > 0 && o.MaxTextLength > 0, "Chat:Rooms values must be positive")
            .ValidateOnStart();
        silo.Services.TryAddSingleton(TimeProvider.System);

        switch (cluster.Storage)
        {
            case "Memory":
                silo.AddChatMemoryStorage(ChatStorage.RoomStorage);
                silo.AddChatMemoryStorage(ChatStorage.PubSubStore);
                break;
            case "Redis":
                silo.AddChatRedisStorage(ChatStorage.RoomStorage, cluster.Redis!);
                silo.AddChatRedisStorage(ChatStorage.PubSubStore, cluster.Redis!);
                break;
            default:
                throw new InvalidOperationException($"Chat:Cluster:Storage '{cluster.Storage}' is not supported; use 'Memory' or 'Redis'.");
        }

        switch (cluster.Streams)
        {
            case "Memory":
                silo.AddMemoryStreams(ChatStreams.ProviderName, streams =>
                {
                    streams.ConfigurePartitioning(cluster.StreamQueues);
                    streams.ConfigurePullingAgent(agent => agent.Configure(o =>
                    {
                        o.GetQueueMsgsTimerPeriod = cluster.StreamPollPeriod;
                        o.BatchContainerBatchSize = cluster.StreamDeliveryBatch;
                    }));
                    // Bounds the cache by time instead of Orleans' half hour; a purged stream's last position
                    // is still remembered for MetadataMinTimeInCache (10 minutes), and a subscription that
                    // outlives both keeps receiving (StreamCacheMissTests).
                    streams.ConfigureCacheEviction(eviction => eviction.Configure(o =>
                    {
                        o.DataMinTimeInCache = cluster.StreamCacheWindow;
                        o.DataMaxAgeInCache = cluster.StreamCacheWindow;
                    }));
                });
                // The memory provider resolves its queues as IMemoryStreamQueueGrain; with Orleans' own class
                // taken out of the grain class list, they resolve to the long-polling queue (see WakingStreamQueueGrain).
                silo.Services.PostConfigure<GrainTypeOptions>(o =>
                {
                    if (cluster.WakingStreamQueues)
                    {
                        o.Classes.Remove(typeof(MemoryStreamQueueGrain));
                    }
                    else
                    {
                        o.Classes.Remove(typeof(WakingStreamQueueGrain));
                    }
                });
                break;
            default:
                throw new InvalidOperationException($"Chat:Cluster:Streams '{cluster.Streams}' is not supported; use 'Memory'.");
        }

        return silo;
    }

    /// <summary>
    /// Adds a named in-memory grain storage (<see cref="ChatMemoryGrainStorage"/>) that stores states
    /// with <see cref="ChatStorageSerializer"/>: room chunks as their encoded bytes, everything else
    /// with Orleans' binary serializer. Orleans' memory storage would take the default
    /// <see cref="IGrainStorageSerializer"/>, its JSON one (Newtonsoft), which was most of the silo's CPU
    /// in the rooms benchmark, and copies every state it writes
    /// (docs/decisions/0003-room-group-commit-and-binary-storage-serializer.md, 0014-chat-memory-grain-storage.md).
    /// </summary>
    public static ISiloBuilder AddChatMemoryStorage(this ISiloBuilder silo, string name)
    {
        silo.Services.AddGrainStorage(name, static (services, _) =>
            new ChatMemoryGrainStorage(services.GetRequiredService<IGrainFactory>(), new ChatStorageSerializer(services.GetRequiredService<Serializer>())));
        return silo;
    }

    /// <summary>
    /// Adds a named Redis grain storage (Orleans' <c>Microsoft.Orleans.Persistence.Redis</c>) that
    /// stores states with <see cref="ChatStorageSerializer"/>, as the memory storage does, one Redis
    /// hash per record. The key names the record (<c>{ServiceId}/state/{grainId}/{stateName}</c>):
    /// a room's head and its chunks are records of one grain under different state names
    /// (<see cref="RoomStore"/>), so a key of the grain id alone would put them all in one hash.
    /// Clearing deletes the hash, so a chunk that left the window takes no space.
    /// </summary>
    public static ISiloBuilder AddChatRedisStorage(this ISiloBuilder silo, string name, string connectionString)
    {
        silo.AddRedisGrainStorage(name, options => options.Configure<Serializer, IOptions<ClusterOptions>>((o, serializer, clusterOptions) =>
        {
            o.ConfigurationOptions = RedisConnection(connectionString);
            o.GrainStorageSerializer = new ChatStorageSerializer(serializer);
            o.DeleteStateOnClear = true;
            var prefix = $"{clusterOptions.Value.ServiceId}/state/";
            o.GetStorageKey = (stateName, grainId) => $"{prefix}{grainId}/{stateName}";
        }));
        return silo;
    }

    /// <summary>
    /// The connection string as StackExchange.Redis reads it, except that a Redis that is down when
    /// the silo starts is waited for (the multiplexer keeps reconnecting) instead of failing the start:
    /// its default aborts unless the string says <c>abortConnect=false</c>.
    /// </summary>
    internal static ConfigurationOptions RedisConnection(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        return options;
    }

    private static ISiloBuilder UseChatCluster(this ISiloBuilder silo, ChatClusterOptions cluster)
    {
        switch (cluster.Clustering)
        {
            case "Localhost":
                var primary = new IPEndPoint(IPAddress.Loopback, cluster.PrimarySiloPort ?? cluster.SiloPort);
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, primary, cluster.ServiceId, cluster.ClusterId);
                break;
            case "Redis":
                silo.UseRedisClustering(o => o.ConfigurationOptions = RedisConnection(cluster.Redis!));
                if (cluster.AdvertisedIP is { Length: > 0 } advertised)
                {
                    // Listen on, and advertise, this address only: silos sharing a machine on their own loopback
                    // addresses (deploy/local/cluster.sh) then each keep the default ports, as pods do.
                    silo.ConfigureEndpoints(IPAddress.Parse(advertised), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
                }
                else
                {
                    silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort);
                }

                silo.Services.Configure<ClusterMembershipOptions>(FailureDetection.Configure);
                break;
            default:
                throw new InvalidOperationException($"Chat:Cluster:Clustering '{cluster.Clustering}' is not supported; use 'Localhost' or 'Redis'.");
        }

        // Set explicitly: the gateway's client must present the same ids in its connection preamble.
        silo.Services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        return silo;
    }
}
