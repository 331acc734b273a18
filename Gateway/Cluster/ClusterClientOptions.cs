namespace OrleansChat.Gateway.Cluster;

/// <summary>How the gateway's Orleans client finds the cluster. Bound from <c>Chat:Cluster</c>.</summary>
public sealed class ClusterClientOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Cluster";

    /// <summary><c>Localhost</c> (silo gateways on this machine at <see cref="GatewayPort"/>) or <c>Static</c> (<see cref="Gateways"/>). Default <c>Localhost</c>.</summary>
    public string Clustering { get; set; } = "Localhost";

    /// <summary>With <c>Localhost</c>: the silo gateway port. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>With <c>Static</c>: silo gateway endpoints as <c>host:port</c>.</summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>The cluster id; must match the silos'. Default <c>dev</c> (Orleans' localhost default).</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The service id; must match the silos'. Default <c>dev</c>.</summary>
    public string ServiceId { get; set; } = "dev";
}
