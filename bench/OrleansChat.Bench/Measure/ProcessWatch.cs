namespace OrleansChat.Bench.Measure;

/// <summary>
/// Samples a set of processes at two moments and turns the difference into metrics:
/// CPU as a percentage of one core, and resident memory before, after and the change.
/// </summary>
internal sealed class ProcessWatch
{
    private readonly IReadOnlyList<WatchedProcess> _processes;
    private readonly Dictionary<string, ProcSample> _start = [];

    public ProcessWatch(IReadOnlyList<WatchedProcess> processes)
    {
        _processes = processes;
    }

    public IReadOnlyList<WatchedProcess> Processes => _processes;

    public void Start()
    {
        _start.Clear();
        foreach (var process in _processes)
        {
            if (ProcFs.TryRead(process.Pid) is { } sample)
            {
                _start[process.Name] = sample;
            }
        }
    }

    /// <summary>One sample per process now, keyed by name (processes that vanished are left out).</summary>
    public Dictionary<string, ProcSample> SampleNow()
    {
        var samples = new Dictionary<string, ProcSample>();
        foreach (var process in _processes)
        {
            if (ProcFs.TryRead(process.Pid) is { } sample)
            {
                samples[process.Name] = sample;
            }
        }

        return samples;
    }

    /// <summary>CPU % of one core per process since <see cref="Start"/>.</summary>
    public Dictionary<string, double> CpuSinceStart()
    {
        var result = new Dictionary<string, double>();
        foreach (var (name, now) in SampleNow())
        {
            if (_start.TryGetValue(name, out var before))
            {
                result[name] = ProcFs.CpuPercent(before, now);
            }
        }

        return result;
    }
}
