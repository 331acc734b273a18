using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OrleansChat.Cluster;

namespace OrleansChat.Silo.Hosting;

/// <summary>
/// The silo's one HTTP listener, on <c>Chat:Cluster:MetricsHost</c>:<c>MetricsPort</c>: <c>/metrics</c>
/// (Prometheus, the silo's meters), <c>/health/live</c> (the process answers) and
/// <c>/health/ready</c> (<see cref="SiloReadiness"/>), so Kubernetes' probes need no Orleans client.
/// </summary>
/// <remarks>
/// The silo's own host is a generic host without a web server, so this runs a small Kestrel
/// application of its own beside it, sharing the silo's <see cref="MeterProvider"/> and loggers.
/// It starts before any hosted service (<see cref="IHostedLifecycleService.StartingAsync"/>), so
/// liveness answers while the silo is still joining, and stops after all of them
/// (<see cref="IHostedLifecycleService.StoppedAsync"/>), so readiness answers 503 for the whole shutdown.
/// </remarks>
public sealed class SiloHttpEndpoint(
    ChatClusterOptions cluster,
    MeterProvider meters,
    SiloReadiness readiness,
    ILoggerFactory loggers) : IHostedLifecycleService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <inheritdoc />
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls($"http://{cluster.MetricsHost}:{cluster.MetricsPort}");
        builder.Services.AddSingleton(loggers);
        builder.Services.AddLogging();
        // The silo's host owns SIGTERM and the start/stop messages; without this, this host's console
        // lifetime would handle the signal too and log "Application started" a second time.
        builder.Services.AddSingleton<IHostLifetime, SilentLifetime>();
        builder.Services.AddHealthChecks().AddCheck("ready", readiness, tags: ["ready"]);
        var app = builder.Build();
        app.UseHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.UseHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null);
        await app.StartAsync(cancellationToken);
        _app = app;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync();
        }
    }

    private sealed class SilentLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
