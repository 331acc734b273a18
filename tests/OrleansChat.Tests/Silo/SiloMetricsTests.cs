using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OrleansChat.Cluster;
using OrleansChat.Silo.Hosting;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Silo;

/// <summary>The silo's own Prometheus endpoint, on a real silo host set up as Program.cs sets it up.</summary>
public sealed class SiloMetricsTests
{
    [Fact]
    public async Task ASiloServesOrleansMetricsOnItsMetricsPortAndKeepsAtMostItsSeriesLimitPerInstrument()
    {
        var metricsPort = FreePort();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // A cluster of its own, on ports of its own, beside the shared test cluster.
            ["Chat:Cluster:ClusterId"] = "metrics-test",
            ["Chat:Cluster:SiloPort"] = Port(FreePort()),
            ["Chat:Cluster:GatewayPort"] = Port(FreePort()),
            ["Chat:Cluster:MetricsPort"] = Port(metricsPort),
        });
        builder.AddChatSilo();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri($"http://localhost:{metricsPort}/metrics"));
            var scrape = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(scrape.Split('\n'), line => line.StartsWith("orleans_", StringComparison.Ordinal));

            // An instrument on a meter the silo exports, with more tag sets than it keeps series.
            using var meter = new Meter("Microsoft.Orleans");
            var counter = meter.CreateCounter<long>("chat.test.series");
            var tagSets = ChatClusterOptions.MetricsSeriesPerInstrument + 50;
            for (var i = 0; i < tagSets; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("n", i));
            }

            var series = 0;
            await Eventually.TrueAsync(async () =>
            {
                scrape = await http.GetStringAsync(new Uri($"http://localhost:{metricsPort}/metrics"));
                series = scrape.Split('\n').Count(line => line.StartsWith("chat_test_series_total{", StringComparison.Ordinal));
                return PrometheusText.Value(scrape, "chat_test_series_total") == tagSets;
            });
            // The limit's tag sets and the overflow series, which counts the rest.
            Assert.Equal(ChatClusterOptions.MetricsSeriesPerInstrument + 1, series);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
