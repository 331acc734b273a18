using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using OrleansChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary>
/// Kestrel's connection metrics give one picture with the direct upgrade on and off: the same instruments
/// of the meter <c>Microsoft.AspNetCore.Server.Kestrel</c> move the same way, under the same tags, for an
/// open and closed WebSocket, a connection refused past <c>MaxConcurrentConnections</c>, a silent one closed
/// after <c>KeepAliveTimeout</c>, and an HTTP request (which the direct path hands to Kestrel: counted once).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class KestrelMetricsTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const string Active = "kestrel.active_connections";
    private const string Upgraded = "kestrel.upgraded_connections";
    private const string Duration = "kestrel.connection.duration";
    private const string Rejected = "kestrel.rejected_connections";

    [Fact]
    public async Task BothPathsMoveTheSameConnectionInstrumentsTheSameWay()
    {
        var direct = await PictureAsync(SocketPath.Direct);
        var kestrel = await PictureAsync(SocketPath.Kestrel);
        output.WriteLine(string.Join("\n", kestrel));

        Assert.Equal(kestrel, direct);
    }

    [Theory]
    [InlineData(SocketPath.Direct)]
    [InlineData(SocketPath.Kestrel)]
    public async Task AnOpenWebSocketIsOneActiveAndOneUpgradedConnectionOnMetricsUntilItCloses(SocketPath path)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path);
        using var http = new HttpClient();
        // Every gateway in the test process shares the meter's name; this one's series carry its port.
        var port = $"server_port=\"{gateway.Address.Port.ToString(CultureInfo.InvariantCulture)}\"";
        async Task<string> ScrapeUntilAsync(Func<string, bool> condition)
        {
            var scrape = "";
            await Eventually.TrueAsync(async () => condition(scrape = await http.GetStringAsync(new Uri(gateway.Address, "/metrics"))));
            return scrape;
        }

        var alice = await RawClient.ConnectAsync(gateway, "name=alice");
        // The scrapes themselves are connections too: one is open while it is answered.
        var open = await ScrapeUntilAsync(s => PrometheusText.Value(s, "kestrel_upgraded_connections", port) == 1);
        Assert.Equal(2, PrometheusText.Value(open, "kestrel_active_connections", port));

        await alice.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await alice.ReadToCloseAsync();
        await alice.DisposeAsync();
        var closed = await ScrapeUntilAsync(s => PrometheusText.Value(s, "kestrel_upgraded_connections", port) == 0);
        Assert.Equal(1, PrometheusText.Value(closed, "kestrel_active_connections", port));
        Assert.True(PrometheusText.Value(closed, "kestrel_connection_duration_seconds_count", port) >= 1, closed);
    }

    /// <summary>What the gateway's Kestrel instruments showed after each step, for one path, with the port taken out.</summary>
    private async Task<List<string>> PictureAsync(SocketPath path)
    {
        await using var gateway = await GatewayHost.StartAsync(cluster.Cluster, path: path, configure: Limits);
        using var measurements = new KestrelMeasurements(gateway);
        var picture = new List<string>();
        void Step(string name) => picture.Add(name + ": " + string.Join("; ", Summary(measurements.All, gateway.Address.Port)));

        // An open WebSocket: one active connection, and upgraded.
        var alice = await RawClient.ConnectAsync(gateway, "name=alice");
        await Eventually.TrueAsync(() => Task.FromResult(measurements.Sum(Upgraded) == 1));
        Assert.Equal(1, measurements.Sum(Active));
        Assert.Equal(0, measurements.Count(Duration));
        Step("open");

        // Closed: neither, and its duration recorded.
        await alice.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await alice.ReadToCloseAsync();
        await alice.DisposeAsync();
        await Eventually.TrueAsync(() => Task.FromResult(measurements.Count(Duration) == 1));
        Assert.Equal(0, measurements.Sum(Upgraded));
        Assert.Equal(0, measurements.Sum(Active));
        Step("closed");

        // A silent connection takes the one place (MaxConcurrentConnections = 1): the next is rejected.
        using var silent = await ConnectAsync(gateway);
        await Eventually.TrueAsync(() => Task.FromResult(measurements.Sum(Active) == 1));
        using (var refused = await ConnectAsync(gateway))
        {
            await Eventually.TrueAsync(() => Task.FromResult(measurements.Sum(Rejected) == 1 && measurements.Count(Duration) == 2));
        }

        Step("rejected");

        // The silent one is closed after KeepAliveTimeout (and Kestrel's heartbeat).
        await Eventually.TrueAsync(() => Task.FromResult(measurements.Count(Duration) == 3), TimeSpan.FromSeconds(30));
        Assert.Equal(0, measurements.Sum(Active));
        Step("silent");

        // An HTTP request: the direct path hands it to Kestrel, and it is counted once.
        using (var http = new HttpClient())
        {
            await http.GetStringAsync(new Uri(gateway.Address, "/health/live"));
        }

        await Eventually.TrueAsync(() => Task.FromResult(measurements.Count(Duration) == 4), TimeSpan.FromSeconds(30));
        Step("http");
        return picture;
    }

    private static void Limits(WebApplicationBuilder builder) => builder.WebHost.ConfigureKestrel(kestrel =>
    {
        kestrel.Limits.MaxConcurrentConnections = 1;
        kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(2);
    });

    /// <summary>
    /// Per instrument and tag set: a counter's sum and the most it reached (so a connection counted twice
    /// at once shows), a histogram's count; with each instrument's unit, description and bucket advice. Kestrel's
    /// <c>kestrel.queued_connections</c> is left out: it counts the wait between Kestrel's accept and its
    /// connection's start (always back to 0), which connections served directly do not have.
    /// </summary>
    private static IEnumerable<string> Summary(IReadOnlyList<KestrelMeasurements.Measurement> all, int port) =>
        all.Where(m => m.Instrument != "kestrel.queued_connections")
            .GroupBy(m => (m.Instrument, m.Unit, m.Description, m.Buckets, Tags: m.Tags.Replace("server.port=" + port.ToString(CultureInfo.InvariantCulture), "server.port=P", StringComparison.Ordinal)))
            .OrderBy(g => g.Key.Instrument + " " + g.Key.Tags, StringComparer.Ordinal)
            .Select(g => g.Key.Instrument == Duration
                ? $"{g.Key} count {g.Count()}"
                : $"{g.Key} sum {g.Sum(m => m.Value)} peak {Peak(g)}");

    private static double Peak(IEnumerable<KestrelMeasurements.Measurement> measurements)
    {
        double sum = 0, peak = 0;
        foreach (var m in measurements)
        {
            sum += m.Value;
            peak = Math.Max(peak, sum);
        }

        return peak;
    }

    private static async Task<Socket> ConnectAsync(GatewayHost gateway)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateway.Address.Port));
        return socket;
    }
}
