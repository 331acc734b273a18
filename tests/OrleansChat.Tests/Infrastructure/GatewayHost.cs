using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using OrleansChat.Gateway.Hosting;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A real gateway (the same <c>AddChatGateway</c>/<c>MapChatGateway</c> as Program.cs) on a
/// free loopback port, with its own Orleans client connected to the test cluster.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri address) => (_app, Address) = (app, address);

    /// <summary>The gateway's base address, such as http://127.0.0.1:41234.</summary>
    public Uri Address { get; }

    /// <summary>The gateway's services, for looking at it from the cluster's side.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The WebSocket URI for a display name.</summary>
    public Uri Socket(string name) => new($"ws://{Address.Authority}/ws?name={Uri.EscapeDataString(name)}");

    /// <summary>The WebSocket URI with a query of the test's choosing (such as <c>token=…</c>).</summary>
    public Uri SocketWithQuery(string query) => new($"ws://{Address.Authority}/ws?{query}");

    /// <summary>
    /// Starts a gateway on the cluster with optional configuration overrides (keys under <c>Chat:Gateway</c> etc.)
    /// an optional last word on the builder (such as a log provider) and the way it takes sockets.
    /// </summary>
    public static async Task<GatewayHost> StartAsync(
        TestCluster cluster,
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        SocketPath path = SocketPath.Direct)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = RepositoryPath("Gateway"),
            EnvironmentName = "Testing",
        });
        var config = new Dictionary<string, string?>
        {
            ["Chat:Cluster:Clustering"] = "Static",
            ["Chat:Cluster:ClusterId"] = cluster.Options.ClusterId,
            ["Chat:Cluster:ServiceId"] = cluster.Options.ServiceId,
            ["Chat:Gateway:PresenceRenewPeriod"] = "00:00:00.500",
            ["Chat:Gateway:DirectUpgrade"] = path == SocketPath.Direct ? "true" : "false",
        };
        var i = 0;
        foreach (var silo in cluster.Silos)
        {
            config[$"Chat:Cluster:Gateways:{i++}"] = silo.GatewayAddress.Endpoint.ToString();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        configure?.Invoke(builder);
        builder.AddChatGateway();
        var app = builder.Build();
        app.MapChatGateway();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(app, new Uri(address));
    }

    /// <summary>
    /// Cuts the gateway off from the cluster without any goodbye, as if its process died: its
    /// Orleans client goes away, so no leave and no lease renewal reaches the rooms.
    /// </summary>
    public async Task KillAsync()
    {
        var client = _app.Services.GetRequiredService<IClusterClient>();
        await ((Microsoft.Extensions.Hosting.IHostedService)client).StopAsync(CancellationToken.None);
    }

    /// <summary>Stops the gateway as SIGTERM would (drain, then stop).</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A folder of the repository, found by walking up to OrleansChat.sln.</summary>
    public static string RepositoryPath(string relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansChat.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("OrleansChat.sln not found above the test binaries"), relative);
    }

    /// <summary>Formats a number for configuration.</summary>
    public static string Setting(int value) => value.ToString(CultureInfo.InvariantCulture);
}
