using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;

namespace OrleansChat.Gateway.Transport.Direct;

/// <summary>
/// Kestrel's connection instruments for the connections the direct path serves itself, on a meter of
/// Kestrel's own name (<see cref="MeterName"/>), so that whatever listens to Kestrel (<c>/metrics</c>, a
/// <see cref="MeterListener"/>, <c>dotnet-counters</c>) sees one picture whichever path served a socket.
/// Names, units, descriptions, bucket advice and tags are Kestrel's (<c>KestrelMetrics</c> in
/// src/Servers/Kestrel/Core/src/Internal/Infrastructure of dotnet/aspnetcore): OpenTelemetry then takes
/// both meters' instruments as one stream, as it does for two instruments of the same identity.
/// </summary>
/// <remarks>
/// A connection counts here from its accept until it is handed to Kestrel, which counts it from then on
/// (its duration included), or until it ends here: refused past <c>MaxConcurrentConnections</c>, closed
/// for its silence, or an upgraded socket closed. So no connection is counted twice at once.
/// <c>kestrel.queued_connections</c> has nothing to count here: a connection is served from its accept.
/// </remarks>
public sealed class DirectConnectionMetrics
{
    /// <summary>Kestrel's meter name.</summary>
    public const string MeterName = "Microsoft.AspNetCore.Server.Kestrel";

    /// <summary>Kestrel's <c>error.type</c> for a connection that sent no request within <c>KeepAliveTimeout</c>.</summary>
    public const string KeepAliveTimeout = "keep_alive_timeout";

    private const string MaxConcurrentConnectionsExceeded = "max_concurrent_connections_exceeded";

    private readonly UpDownCounter<long> _active;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _rejected;
    private readonly UpDownCounter<long> _upgraded;

    /// <summary>Creates the instruments on a meter from the host's factory, as Kestrel creates its own.</summary>
    public DirectConnectionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _active = meter.CreateUpDownCounter<long>(
            "kestrel.active_connections",
            unit: "{connection}",
            description: "Number of connections that are currently active on the server.");
        _duration = meter.CreateHistogram(
            "kestrel.connection.duration",
            unit: "s",
            description: "The duration of connections on the server.",
            tags: null,
            // Kestrel's MetricsConstants.LongSecondsBucketBoundaries.
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] });
        _rejected = meter.CreateCounter<long>(
            "kestrel.rejected_connections",
            unit: "{connection}",
            description: "Number of connections rejected by the server. Connections are rejected when the currently active count exceeds the value configured with MaxConcurrentConnections.");
        _upgraded = meter.CreateUpDownCounter<long>(
            "kestrel.upgraded_connections",
            unit: "{connection}",
            description: "Number of HTTP connections that are currently upgraded (WebSockets). The number only tracks HTTP/1.1 connections.");
    }

    /// <summary>
    /// A connection was accepted: it counts as active. Which instruments were listened to is kept with
    /// the connection, as Kestrel keeps it, so that each count taken is given back under the same tags.
    /// </summary>
    public Connection Accepted(Socket socket)
    {
        var active = _active.Enabled;
        var duration = _duration.Enabled;
        var upgraded = _upgraded.Enabled;
        if (!(active || duration || upgraded || _rejected.Enabled))
        {
            return default;
        }

        EndPoint? local;
        try
        {
            local = socket.LocalEndPoint;
        }
        catch (SocketException)
        {
            // Reset already: measured without the address, as Kestrel measures a connection with no local endpoint.
            local = null;
        }

        var connection = new Connection(local, duration ? Stopwatch.GetTimestamp() : 0, active, duration, upgraded);
        if (active)
        {
            _active.Add(1, Tags(connection.Local));
        }

        return connection;
    }

    /// <summary>
    /// Refused past <c>MaxConcurrentConnections</c>: counted as rejected, and ended with Kestrel's error type
    /// (Kestrel's limit runs before HTTP, so its duration has no protocol tags).
    /// </summary>
    public void Rejected(in Connection connection)
    {
        // Checked live, as Kestrel checks this one: it is a count, not a start and a stop.
        if (_rejected.Enabled)
        {
            _rejected.Add(1, Tags(connection.Local));
        }

        End(connection, MaxConcurrentConnectionsExceeded, http: false);
    }

    /// <summary>Handed to Kestrel, which counts it from now on.</summary>
    public void HandedOn(in Connection connection)
    {
        if (connection.Active)
        {
            _active.Add(-1, Tags(connection.Local));
        }
    }

    /// <summary>The upgrade was answered with <c>101</c>.</summary>
    public void UpgradeStarted(in Connection connection)
    {
        if (connection.Upgraded)
        {
            _upgraded.Add(1, Tags(connection.Local));
        }
    }

    /// <summary>The upgraded socket's WebSocket has ended.</summary>
    public void UpgradeEnded(in Connection connection)
    {
        if (connection.Upgraded)
        {
            _upgraded.Add(-1, Tags(connection.Local));
        }
    }

    /// <summary>
    /// The connection ended here, after it reached HTTP (an upgrade, or a head that never came): no longer
    /// active, and its duration recorded with Kestrel's <c>network.protocol.*</c> tags and <paramref name="errorType"/>.
    /// </summary>
    public void Ended(in Connection connection, string? errorType) => End(connection, errorType, http: true);

    private void End(in Connection connection, string? errorType, bool http)
    {
        var tags = Tags(connection.Local);
        if (connection.Active)
        {
            _active.Add(-1, tags);
        }

        if (connection.Duration)
        {
            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }

            if (http)
            {
                // What Kestrel's HttpConnection adds for an HTTP/1.1 connection.
                tags.Add("network.protocol.name", "http");
                tags.Add("network.protocol.version", "1.1");
            }

            _duration.Record(Stopwatch.GetElapsedTime(connection.StartTimestamp).TotalSeconds, tags);
        }
    }

    // Kestrel's InitializeConnectionTags for an IP endpoint (the only kind bound here).
    private static TagList Tags(EndPoint? local)
    {
        var tags = default(TagList);
        if (local is IPEndPoint ip)
        {
            tags.Add("server.address", ip.Address.ToString());
            tags.Add("server.port", ip.Port);
            switch (ip.AddressFamily)
            {
                case AddressFamily.InterNetwork:
                    tags.Add("network.type", "ipv4");
                    break;
                case AddressFamily.InterNetworkV6:
                    tags.Add("network.type", "ipv6");
                    break;
            }

            tags.Add("network.transport", "tcp");
        }

        return tags;
    }

    /// <summary>One connection's measuring: its local endpoint, when it started, and which instruments were listened to then.</summary>
    public readonly record struct Connection(EndPoint? Local, long StartTimestamp, bool Active, bool Duration, bool Upgraded);
}
