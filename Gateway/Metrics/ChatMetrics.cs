using System.Diagnostics.Metrics;
using OrleansChat.Gateway.Transport;

namespace OrleansChat.Gateway.Metrics;

/// <summary>
/// The gateway's own instruments, on the meter <see cref="MeterName"/>, exported at <c>/metrics</c>.
/// Each method is one cheap call at the place where the thing happens, so the hot paths stay as
/// they were. Made through <see cref="IMeterFactory"/> so each host (and each test gateway) has its own meter.
/// </summary>
public sealed class ChatMetrics
{
    /// <summary>The meter's name, to be named in the OpenTelemetry set-up.</summary>
    public const string MeterName = "OrleansChat.Gateway";

    /// <summary>The most series (tag sets) <c>/metrics</c> keeps per instrument; more go into one overflow series.</summary>
    public const int SeriesPerInstrument = 200;

    private readonly TimeProvider _time;
    private readonly UpDownCounter<long> _roomsJoined;
    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _framesSent;
    private readonly Counter<long> _messagesPosted;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _deliveryLatency;
    private readonly Counter<long> _framesDropped;
    private readonly Counter<long> _slowConsumerCloses;

    /// <summary>Creates the instruments on a meter from the host's factory.</summary>
    public ChatMetrics(IMeterFactory meterFactory, TimeProvider time, ConnectionRegistry connections)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        // Read from the registry at each scrape: it already counts the open sockets, and so reads 0 before the first one.
        meter.CreateObservableUpDownCounter("chat.gateway.connections", () => (long)connections.Count, "{connection}", "Open sockets on this gateway.");
        _roomsJoined = meter.CreateUpDownCounter<long>("chat.gateway.rooms.joined", "{membership}", "Rooms joined by the sockets on this gateway; a socket in three rooms counts three.");
        _framesReceived = meter.CreateCounter<long>("chat.gateway.frames.received", "{frame}", "Client text frames handled.");
        _framesSent = meter.CreateCounter<long>("chat.gateway.frames.sent", "{frame}", "Frames written to sockets.");
        _messagesPosted = meter.CreateCounter<long>("chat.gateway.messages.posted", "{message}", "Messages stored through this gateway (socket sends and HTTP posts; repeats of an id not counted).");
        _errors = meter.CreateCounter<long>("chat.gateway.errors", "{error}", "Error frames sent, by code.");
        _deliveryLatency = meter.CreateHistogram(
            "chat.gateway.delivery.latency",
            "ms",
            "From the room grain's timestamp of a message to its fan-out to this gateway's sockets.",
            tags: null,
            // Chat latency lives in single milliseconds to a few hundred; the default buckets start at 5 ms.
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] });
        _framesDropped = meter.CreateCounter<long>("chat.gateway.frames.dropped", "{frame}", "Typing frames dropped because a socket's outbound queue was half full.");
        _slowConsumerCloses = meter.CreateCounter<long>("chat.gateway.slow_consumer.closes", "{connection}", "Sockets closed with 1013 because their outbound queue was full.");
    }

    /// <summary>A socket joined a room.</summary>
    public void RoomJoined() => _roomsJoined.Add(1);

    /// <summary>A socket left a room (or closed while in it).</summary>
    public void RoomLeft() => _roomsJoined.Add(-1);

    /// <summary>A client frame arrived.</summary>
    public void FrameReceived() => _framesReceived.Add(1);

    /// <summary>A frame was written to a socket.</summary>
    public void FrameSent() => _framesSent.Add(1);

    /// <summary>A post was answered with a seq; only one that stored a new message counts (not a repeated id).</summary>
    public void MessagePosted(PostStatus status)
    {
        if (status == PostStatus.Stored)
        {
            _messagesPosted.Add(1);
        }
    }

    /// <summary>An error frame with this code was sent.</summary>
    public void Error(string code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code));

    /// <summary>
    /// A message is being fanned out now. The timestamp is the silo's clock, so across machines the
    /// value includes their clock difference; a negative difference counts as 0.
    /// </summary>
    public void MessageDelivered(DateTimeOffset storedAt) =>
        _deliveryLatency.Record(Math.Max(0, (_time.GetUtcNow() - storedAt).TotalMilliseconds));

    /// <summary>A droppable frame was dropped.</summary>
    public void FrameDropped() => _framesDropped.Add(1);

    /// <summary>A socket was closed as a slow consumer.</summary>
    public void SlowConsumerClosed() => _slowConsumerCloses.Add(1);
}
