using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansChat.Gateway.Cluster;
using OrleansChat.Gateway.Transport;

namespace OrleansChat.Gateway.Hosting;

/// <summary>Ready while the Orleans client reaches the cluster and the gateway is not draining.</summary>
internal sealed class ReadinessCheck(ClusterConnection cluster, ConnectionRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !registry.IsAccepting ? HealthCheckResult.Unhealthy("draining")
            : !cluster.IsConnected ? HealthCheckResult.Unhealthy("not connected to the cluster")
            : HealthCheckResult.Healthy());
}
