using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace OrleansChat.Silo.Hosting;

/// <summary>
/// The silo's readiness for <c>/health/ready</c>: healthy from the moment it has joined the cluster
/// (its lifecycle reached <see cref="ServiceLifecycleStage.Active"/>, which follows
/// <see cref="ServiceLifecycleStage.BecomeActive"/>, where Orleans' membership agent declares the silo
/// active in the membership table) until it starts shutting down (the host's stopping signal, or the
/// lifecycle leaving <see cref="ServiceLifecycleStage.Active"/>, whichever comes first).
/// </summary>
public sealed class SiloReadiness : ILifecycleParticipant<ISiloLifecycle>, IHealthCheck
{
    private volatile bool _joined;
    private volatile bool _stopping;

    /// <summary>Watches the host's stopping signal.</summary>
    public SiloReadiness(IHostApplicationLifetime lifetime) => lifetime.ApplicationStopping.Register(() => _stopping = true);

    /// <summary>True once the silo has joined the cluster and until it begins to shut down.</summary>
    public bool IsReady => _joined && !_stopping;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(SiloReadiness),
        ServiceLifecycleStage.Active,
        _ =>
        {
            _joined = true;
            return Task.CompletedTask;
        },
        _ =>
        {
            _stopping = true;
            return Task.CompletedTask;
        });

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            IsReady ? HealthCheckResult.Healthy()
            : _stopping ? HealthCheckResult.Unhealthy("the silo is shutting down")
            : HealthCheckResult.Unhealthy("the silo has not joined the cluster yet"));
}
