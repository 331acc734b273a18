using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting.Kubernetes;
using OrleansChat.Silo.Hosting;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Silo;

/// <summary>
/// The silo's <c>/health/live</c> and <c>/health/ready</c> on its metrics port, on a real silo host
/// set up as Program.cs sets it up, held at the points where readiness must change.
/// </summary>
public sealed class SiloHealthTests
{
    [Fact]
    public async Task ASiloIsLiveButNotReadyUntilItHasJoinedTheClusterAndNotReadyOnceItIsShuttingDown()
    {
        var metricsPort = FreePort();
        // Holds the silo's start just before it would join, and its stop before it leaves.
        var gate = new LifecycleGate();
        var builder = SiloBuilder(metricsPort);
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(gate);
        builder.AddChatSilo();
        using var host = builder.Build();
        using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{metricsPort}") };

        var starting = host.StartAsync();
        await gate.StartReached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/live"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(http, "/health/ready"));

        gate.ReleaseStart.SetResult();
        await starting.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/ready"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/metrics"));

        var stopping = host.StopAsync();
        await gate.StopReached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(http, "/health/ready"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/live"));
        gate.ReleaseStop.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void KubernetesHostingIsOnWhenSetOrWhenTheKubeletsVariableIsPresent()
    {
        static string? InPod(string name) => name == ChatKubernetes.ServiceHostVariable ? "10.96.0.1" : null;
        static string? Outside(string name) => null;

        Assert.True(ChatKubernetes.IsEnabled(null, InPod));
        Assert.False(ChatKubernetes.IsEnabled(null, Outside));
        Assert.True(ChatKubernetes.IsEnabled(true, Outside));
        Assert.False(ChatKubernetes.IsEnabled(false, InPod));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void ChatClusterKubernetesAddsOrleansKubernetesClusterAgent(string setting, bool expected)
    {
        var builder = SiloBuilder(FreePort());
        builder.Configuration["Chat:Cluster:Kubernetes"] = setting;
        builder.AddChatSilo();

        Assert.Equal(expected, builder.Services.Any(d => d.ServiceType == typeof(KubernetesClusterAgent) || d.ImplementationType == typeof(KubernetesClusterAgent)));
    }

    private static HostApplicationBuilder SiloBuilder(int metricsPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // A cluster of its own, on ports of its own, beside the shared test cluster.
            ["Chat:Cluster:ClusterId"] = "health-test",
            ["Chat:Cluster:SiloPort"] = Port(FreePort()),
            ["Chat:Cluster:GatewayPort"] = Port(FreePort()),
            ["Chat:Cluster:MetricsPort"] = Port(metricsPort),
        });
        return builder;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits in the silo's start at <see cref="ServiceLifecycleStage.BecomeActive"/> - 1, before the
    /// membership agent joins, and in its stop at <see cref="ServiceLifecycleStage.Last"/>, the first stage stopped.
    /// </summary>
    private sealed class LifecycleGate : ILifecycleParticipant<ISiloLifecycle>
    {
        public TaskCompletionSource StartReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseStart { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource StopReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseStop { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Participate(ISiloLifecycle lifecycle)
        {
            lifecycle.Subscribe("start-gate", ServiceLifecycleStage.BecomeActive - 1, async _ =>
            {
                StartReached.SetResult();
                await ReleaseStart.Task;
            });
            lifecycle.Subscribe("stop-gate", ServiceLifecycleStage.Last, _ => Task.CompletedTask, async _ =>
            {
                StopReached.SetResult();
                await ReleaseStop.Task;
            });
        }
    }
}
