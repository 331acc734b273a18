using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Integration.Gateway;

/// <summary><c>GET /metrics</c>: the gateway's own instruments, scraped over HTTP as Prometheus would.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MetricsEndpointTests(ClusterFixture cluster) : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new();
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(cluster.Cluster);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task MetricsAreInPrometheusTextFormatAndCountConnectionsBeforeTheFirst()
    {
        using var response = await _http.GetAsync(new Uri(_gateway.Address, "/metrics"));
        var scrape = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE chat_gateway_connections gauge", scrape, StringComparison.Ordinal);
        Assert.Equal(0, PrometheusText.Value(scrape, "chat_gateway_connections"));
    }

    [Fact]
    public async Task AfterASendTheMetricsCountTheConnectionsMessagesFramesErrorsAndLatency()
    {
        var room = "room-" + Guid.NewGuid().ToString("N")[..12];
        await using var alice = await ChatClient.ConnectAsync(_gateway, "alice");
        await using var bob = await ChatClient.ConnectAsync(_gateway, "bob");
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await alice.PostAsync(room, "m-1", "one");
        await alice.PostAsync(room, "m-2", "two");
        await alice.PostAsync(room, "m-2", "two again, not stored");
        await alice.PostAsync("not-joined", "m-3", "refused");
        await bob.WaitForCountAsync(f => f.IsMessageIn(room), 2);

        // Scrapes are cached for a moment, so wait for one that has caught up with the last message.
        var scrape = await ScrapeUntilAsync(s => PrometheusText.Value(s, "chat_gateway_delivery_latency_milliseconds_count") >= 2);

        Assert.Equal(2, PrometheusText.Value(scrape, "chat_gateway_connections"));
        Assert.Equal(2, PrometheusText.Value(scrape, "chat_gateway_rooms_joined"));
        Assert.Equal(2, PrometheusText.Value(scrape, "chat_gateway_messages_posted_total"));
        Assert.Equal(1, PrometheusText.Value(scrape, "chat_gateway_errors_total", "code=\"not_joined\""));
        Assert.Equal(6, PrometheusText.Value(scrape, "chat_gateway_frames_received_total"));
        // Two welcomes, two joined, three acks, one error, and two messages to each of two sockets.
        Assert.True(PrometheusText.Value(scrape, "chat_gateway_frames_sent_total") >= 12, scrape);
        Assert.Equal(2, PrometheusText.Value(scrape, "chat_gateway_delivery_latency_milliseconds_count"));

        await bob.DisposeAsync();
        await ScrapeUntilAsync(s => PrometheusText.Value(s, "chat_gateway_connections") == 1 && PrometheusText.Value(s, "chat_gateway_rooms_joined") == 1);
    }

    [Fact]
    public async Task AnInstrumentKeepsAtMostItsSeriesLimitAndAddsTheRestIntoTheOverflowSeries()
    {
        var metrics = _gateway.Services.GetRequiredService<ChatMetrics>();
        var codes = ChatMetrics.SeriesPerInstrument + 50;
        for (var i = 0; i < codes; i++)
        {
            metrics.Error("code-" + i.ToString(CultureInfo.InvariantCulture));
        }

        var scrape = await ScrapeUntilAsync(s => PrometheusText.Value(s, "chat_gateway_errors_total") >= codes);

        // Nothing recorded is lost: the errors past the limit are counted in the overflow series.
        Assert.Equal(codes, PrometheusText.Value(scrape, "chat_gateway_errors_total"));
        var series = scrape.Split('\n').Count(line => line.StartsWith("chat_gateway_errors_total{", StringComparison.Ordinal));
        // The limit's tag sets and the overflow series.
        Assert.Equal(ChatMetrics.SeriesPerInstrument + 1, series);
        Assert.True(PrometheusText.Value(scrape, "chat_gateway_errors_total", "otel_metric_overflow=\"true\"") > 0, scrape);
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> condition)
    {
        var scrape = "";
        await Eventually.TrueAsync(async () =>
        {
            scrape = await _http.GetStringAsync(new Uri(_gateway.Address, "/metrics"));
            return condition(scrape);
        });
        return scrape;
    }
}
