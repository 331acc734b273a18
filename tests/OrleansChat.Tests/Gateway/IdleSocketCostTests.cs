using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>
/// The gateway settings that keep an idle socket cheap
/// (docs/decisions/0002-gateway-workstation-gc-and-quiet-hosting-diagnostics.md); the memory
/// itself is measured only in the bench.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IdleSocketCostTests(ClusterFixture cluster) : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(cluster.Cluster);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public void HostingDiagnosticsLoggingIsOffSoNoRequestHoldsAnActivityForTheSocketsLife()
    {
        // ASP.NET Core starts an Activity and a log scope for each request whenever this logger
        // is enabled at any level (HostingApplicationDiagnostics.BeginRequest), and a WebSocket
        // request lasts as long as its socket.
        var logger = _gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");

        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }

    [Fact]
    public void TheGatewayProcessRunsWorkstationGcWithBackgroundCollections()
    {
        var properties = RuntimeConfig.PropertiesOf("OrleansChat.Gateway");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }

    [Fact]
    public void TheGatewaysIdleThreadPoolWorkersWaitWithoutSpinning()
    {
        var properties = RuntimeConfig.PropertiesOf("OrleansChat.Gateway");

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
