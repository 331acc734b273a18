namespace OrleansChat.Bench.Measure;

/// <summary>A process's CPU time (user + system, in clock ticks) and resident memory at one moment.</summary>
internal readonly record struct ProcSample(long CpuTicks, long RssKb, long Timestamp);
