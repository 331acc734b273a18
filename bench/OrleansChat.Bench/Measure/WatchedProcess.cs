namespace OrleansChat.Bench.Measure;

/// <summary>A process whose CPU and memory a scenario reports: the server's (by PID) or the bench's own.</summary>
internal sealed record WatchedProcess(string Name, int Pid)
{
    /// <summary>Parses <c>gateway=123,silo=456</c>; a bare number is named after its position.</summary>
    public static IReadOnlyList<WatchedProcess> ParseList(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            return [];
        }

        return [.. spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select((part, i) =>
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            return eq < 0
                ? new WatchedProcess($"pid{i + 1}", int.Parse(part, System.Globalization.CultureInfo.InvariantCulture))
                : new WatchedProcess(part[..eq], int.Parse(part[(eq + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        })];
    }
}
