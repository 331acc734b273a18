namespace OrleansChat.Cluster;

/// <summary>
/// How a silo or a gateway joins the cluster and which providers the silo runs on: one class for
/// both, so the two read the same keys. Bound from <c>Chat:Cluster</c> (appsettings, or environment
/// variables such as <c>Chat__Cluster__Storage</c>) and checked at start by
/// <see cref="ChatClusterOptionsValidator"/>; deploy/env/silo.env and gateway.env list the
/// variables each process is given.
/// </summary>
public sealed class ChatClusterOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Cluster";

    /// <summary>
    /// Membership: <c>Localhost</c> (development clustering, one machine; a gateway connects to
    /// <see cref="GatewayPort"/> on loopback), <c>Redis</c> (the membership table in <see cref="Redis"/>;
    /// gateways find silos there) or, for a gateway only, <c>Static</c> (<see cref="Gateways"/>).
    /// Default <c>Localhost</c>.
    /// </summary>
    public string Clustering { get; set; } = "Localhost";

    /// <summary>Grain storage for room history and stream pub-sub: <c>Memory</c> (lost with the silo) or <c>Redis</c>. Default <c>Memory</c>.</summary>
    public string Storage { get; set; } = "Memory";

    /// <summary>The Redis connection string (StackExchange.Redis syntax, e.g. <c>127.0.0.1:6390</c>) for <c>Redis</c> clustering and storage.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// The IP address a silo listens on and advertises to the cluster (its own loopback address
    /// locally, the pod IP in Kubernetes). Unset: Orleans picks the machine's first address, or
    /// loopback with <c>Localhost</c> clustering.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>A gateway with <c>Static</c> clustering: silo gateway endpoints as <c>ip:port</c>.</summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>The room stream provider: <c>Memory</c> (Orleans' memory streams). Default <c>Memory</c>.</summary>
    public string Streams { get; set; } = "Memory";

    /// <summary>The cluster id; silos and gateways of one cluster share it. Default <c>dev</c>.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The service id; stable across deployments of the same service. Default <c>dev</c>.</summary>
    public string ServiceId { get; set; } = "dev";

    /// <summary>The silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients (gateways) connect to; a gateway with <c>Localhost</c> clustering connects to it on loopback. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>With <c>Localhost</c> clustering, the silo port of the primary silo (the first one started). Default: this silo.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>
    /// How often a stream pulling agent looks for new events in its queue when it found none.
    /// Orleans' default is 100 ms, which would add up to 100 ms to every message; default 5 ms.
    /// </summary>
    public TimeSpan StreamPollPeriod { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Use the long-polling stream queues (woken by each enqueue) instead of Orleans' plain memory queues. Default true.</summary>
    public bool WakingStreamQueues { get; set; } = true;

    /// <summary>
    /// At most how many queued batches of one room a pulling agent hands a subscriber in one call
    /// (Orleans' <c>StreamPullingAgentOptions.BatchContainerBatchSize</c>, 1 by default). A gateway
    /// that falls behind a busy room then catches up with one call per this many batches instead of
    /// one per batch, and its sockets get those messages back to back. Default 32.
    /// </summary>
    public int StreamDeliveryBatch { get; set; } = 32;

    /// <summary>
    /// How long a silo's stream cache keeps a room event: the pulling agent purges an event once it
    /// has been cached this long and an event this much newer has arrived in its queue (Orleans'
    /// <c>StreamCacheEvictionOptions.DataMinTimeInCache</c> and <c>DataMaxAgeInCache</c>, whose
    /// defaults of 5 and 30 minutes keep the last half hour of every room's events in memory, about
    /// 23 MB a minute at 2,000 messages a second). Only a subscription this far behind would still
    /// read them; a gateway fills such a gap from the room's history. Default 1 minute.
    /// </summary>
    public TimeSpan StreamCacheWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many queues (and pulling agents) the memory stream provider spreads rooms over. Default 4.</summary>
    public int StreamQueues { get; set; } = 4;

    /// <summary>
    /// The port of the silo's Prometheus endpoint (<c>/metrics</c>: Orleans' and the runtime's meters);
    /// 0 turns it off. Default 9464, the OpenTelemetry exporter's usual port. Silos sharing a machine
    /// each need their own, as with <see cref="SiloPort"/>.
    /// </summary>
    public int MetricsPort { get; set; } = 9464;

    /// <summary>The host name the metrics endpoint answers to: <c>localhost</c>, or <c>+</c> for every interface. Default <c>localhost</c>.</summary>
    public string MetricsHost { get; set; } = "localhost";

    /// <summary>The most series (tag sets) the metrics endpoint keeps per instrument; more go into one overflow series.</summary>
    public const int MetricsSeriesPerInstrument = 200;
}
