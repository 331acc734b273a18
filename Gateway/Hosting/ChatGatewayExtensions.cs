using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Orleans.Configuration;
using OrleansChat.Cluster;
using OrleansChat.Gateway.Api;
using OrleansChat.Gateway.Cluster;
using OrleansChat.Gateway.Endpoint;
using OrleansChat.Gateway.Hub;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Security;
using OrleansChat.Gateway.Sessions;
using OrleansChat.Gateway.Transport;
using OrleansChat.Gateway.Transport.Direct;
using StackExchange.Redis;

namespace OrleansChat.Gateway.Hosting;

/// <summary>Sets up the gateway: options, the Orleans client, the hub, the socket endpoint and the HTTP API.</summary>
public static class ChatGatewayExtensions
{
    /// <summary>Where the gateway listens unless configured otherwise.</summary>
    public const string DefaultUrls = "http://localhost:8080";

    /// <summary>Registers the gateway's services and its Orleans client.</summary>
    public static IHostApplicationBuilder AddChatGateway(this IHostApplicationBuilder builder)
    {
        // The address when nothing else names one (ASPNETCORE_URLS, --urls, Urls). Not in appsettings.json:
        // the app's JSON is read after the ASPNETCORE_ variables and would override ASPNETCORE_URLS.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.Configuration[WebHostDefaults.ServerUrlsKey] = DefaultUrls;
        }

        builder.Services.AddChatOptions<TransportOptions>(TransportOptions.Section);
        builder.Services.AddChatOptions<ChatSessionOptions>(ChatSessionOptions.Section);
        builder.Services.AddChatOptions<RoomHubOptions>(RoomHubOptions.Section);
        builder.Services.AddChatOptions<SecurityOptions>(SecurityOptions.Section);

        // Behind an ingress that ends TLS: the client's scheme, host and address from trusted proxies, on both socket paths.
        var proxies = builder.Configuration.GetSection(TrustedProxies.Section).Get<TrustedProxies>() ?? new();
        // Applied once now, so that a malformed entry stops the start rather than the first request.
        proxies.ApplyTo(new ForwardedHeadersOptions());
        builder.Services.Configure<ForwardedHeadersOptions>(proxies.ApplyTo);
        builder.Services.AddSingleton<ForwardedOrigin>();

        builder.Services.AddOptions<SocketTransportOptions>()
            .Configure<IOptions<TransportOptions>>((sockets, transport) => sockets.IOQueueCount = transport.Value.SocketIOQueues);
        // Registered after Kestrel's socket transport, so Kestrel tries it first (DirectSocketTransport).
        builder.Services.AddSingleton<DirectUpgrade>();
        builder.Services.AddSingleton<SendQueue>();
        builder.Services.AddSingleton<DirectConnectionMetrics>();
        builder.Services.AddSingleton<IConnectionListenerFactory, DirectSocketTransport>();

        builder.Services.AddSingleton<RoomHub>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<WebSocketEndpoint>();
        builder.Services.AddSingleton<ISocketHost>(sp => sp.GetRequiredService<WebSocketEndpoint>());
        builder.Services.AddSingleton<SocketAuthenticator>();
        builder.Services.AddSingleton<ChatTokens>();
        builder.Services.AddSingleton<TokenExpiry>();
        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ClusterConnection>();
        builder.Services.AddHostedService<DrainOnShutdown>();
        builder.Services.AddHostedService<PresenceRenewal>();
        builder.Services.AddSingleton<SocketKeepAlive>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SocketKeepAlive>());
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);

        builder.AddChatClusterClient();
        builder.Services.AddHostedService<ClusterStartup>();
        builder.AddChatMetrics();
        return builder;
    }

    /// <summary>Maps the chat page, <c>/ws</c>, the HTTP API and the health endpoints.</summary>
    public static WebApplication MapChatGateway(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseWebSockets();
        app.UseMiddleware<SecurityHeaders>();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.Map("/ws", (HttpContext context, WebSocketEndpoint endpoint) => endpoint.HandleAsync(context));
        app.MapRoomsApi();
        app.MapConfigApi();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        // Made now rather than at the first socket, so that /metrics shows the connection count (0) from the start.
        _ = app.Services.GetRequiredService<ChatMetrics>();
        return app;
    }

    /// <summary>
    /// <c>/metrics</c> in Prometheus' text format: the gateway's own meter, its Orleans client's,
    /// ASP.NET Core's and Kestrel's (requests, connections) and the runtime's (GC, thread pool).
    /// </summary>
    /// <remarks>
    /// Each instrument keeps at most <see cref="ChatMetrics.SeriesPerInstrument"/> series (tag
    /// sets); past that, OpenTelemetry adds into one series labelled <c>otel_metric_overflow</c>.
    /// The SDK's default limit preallocates a large array per instrument when it is first recorded,
    /// most of them while the first sockets connect (docs/decisions/0021-metrics-200-series-per-instrument.md).
    /// </remarks>
    private static void AddChatMetrics(this IHostApplicationBuilder builder) =>
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ChatMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = ChatMetrics.SeriesPerInstrument })
            .AddPrometheusExporter());

    private static void AddChatClusterClient(this IHostApplicationBuilder builder)
    {
        var cluster = ChatClusterOptionsValidator.Read(builder.Configuration, ChatClusterRole.Gateway);
        builder.Services.AddOptions<ChatClusterOptions>().Bind(builder.Configuration.GetSection(ChatClusterOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChatClusterOptions>>(new ChatClusterOptionsValidator(ChatClusterRole.Gateway));
        builder.UseOrleansClient(client =>
        {
            client.Services.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            switch (cluster.Clustering)
            {
                case "Localhost":
                    client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, cluster.GatewayPort));
                    break;
                case "Static":
                    client.UseStaticClustering(cluster.Gateways.Select(IPEndPoint.Parse).ToArray());
                    break;
                case "Redis":
                    var redis = ConfigurationOptions.Parse(cluster.Redis!);
                    // As on the silo: a Redis that is down at start is waited for rather than failing the start.
                    redis.AbortOnConnectFail = false;
                    client.UseRedisClustering(o => o.ConfigurationOptions = redis);
                    // The silos' gateways are read from the membership table this often (Orleans: every minute),
                    // so a silo declared dead, or a new one, is seen within two seconds.
                    client.Services.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
                    break;
                default:
                    throw new InvalidOperationException($"Chat:Cluster:Clustering '{cluster.Clustering}' is not supported; use 'Localhost', 'Static' or 'Redis'.");
            }

            client.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ClusterCallFilter.ResponseTimeout);
            client.AddOutgoingGrainCallFilter<ClusterCallFilter>();

            client.AddMemoryStreams(ChatStreams.ProviderName);
            // Keep trying to reach the cluster at start-up: the silo may come up after the gateway.
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return true;
            });
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterConnection>());
        });
    }
}
