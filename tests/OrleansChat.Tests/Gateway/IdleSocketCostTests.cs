using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Gateway;

/// <summary>
/// The gateway settings that keep an idle socket cheap (docs/performance-notes.md, "Gateway
/// memory and CPU per idle socket"); the memory itself is measured only in the bench.
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
        var path = Path.Combine(AppContext.BaseDirectory, "OrleansChat.Gateway.runtimeconfig.json");
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(path));
        var properties = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
