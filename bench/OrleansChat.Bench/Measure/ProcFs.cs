using System.Diagnostics;
using System.Globalization;

namespace OrleansChat.Bench.Measure;

/// <summary>Reads CPU time from <c>/proc/PID/stat</c> and VmRSS from <c>/proc/PID/status</c>.</summary>
internal static class ProcFs
{
    /// <summary>
    /// Clock ticks per second of the times in <c>/proc/PID/stat</c>: USER_HZ, which the Linux
    /// user-space ABI fixes at 100 on every architecture .NET runs on (<c>getconf CLK_TCK</c>).
    /// </summary>
    public const long ClockTicksPerSecond = 100;

    public static ProcSample? TryRead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name in field 2 may hold spaces; the fields after it are plain numbers.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                    break;
                }
            }

            return new ProcSample(cpu, rss, Stopwatch.GetTimestamp());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>CPU used between two samples, as a percentage of one core.</summary>
    public static double CpuPercent(ProcSample before, ProcSample after)
    {
        var seconds = (after.Timestamp - before.Timestamp) / (double)Stopwatch.Frequency;
        return seconds <= 0 ? 0 : (after.CpuTicks - before.CpuTicks) / (double)ClockTicksPerSecond / seconds * 100.0;
    }
}
