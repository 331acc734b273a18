namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// One traffic phase: send for <see cref="WarmupSeconds"/> + <see cref="DurationSeconds"/>, and
/// measure only what was sent (latency) or received (throughput) after the warm-up.
/// <see cref="RatePerSender"/> is the fixed rate in <see cref="SendMode.Steady"/> mode and the
/// ceiling in <see cref="SendMode.Window"/> mode (the server allows 10/s per socket).
/// </summary>
internal sealed record TrafficOptions(SendMode Mode, double RatePerSender, double WarmupSeconds, double DurationSeconds, int Window = 8);
